package io.gatehouse.core.plugin;

import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.plugin.testplugins.GreetFilterFactory;
import io.gatehouse.core.plugin.testplugins.TenantFilterFactory;
import io.gatehouse.core.plugin.testplugins.tenantlib.TenantSet;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.plugins.TestAdminEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plugin that did not bundle a library it uses is refused at load, naming the class and what to do. */
class UnbundledClassTest {

    @TempDir
    Path plugins;

    @Test
    void aPluginMissingABundledClassIsRefusedAtLoadAndTheOthersLoad() {
        PluginJar.builder(plugins.resolve("tenant-1.0.0.jar")).id("tenant").requires(">=1.0.0")
                .extension(TenantFilterFactory.class).write();   // TenantSet left out, as a forgotten library
        PluginJar.builder(plugins.resolve("greet-1.0.0.jar")).id("greet").extension(GreetFilterFactory.class).write();

        try (LogCapture pf4j = LogCapture.of("org.pf4j");
             PluginHost host = PluginHost.start(plugins, List.of())) {
            assertEquals(List.of("plugin 'tenant' cannot load class " + TenantSet.class.getName()
                    + " — bundle it (shaded JAR or lib/ in a zip)"), host.registry().problemMessages());
            assertEquals("tenant", host.registry().problems().getFirst().pluginId());
            assertEquals(List.of("filter.greet"), List.copyOf(host.registry().ids()));
            assertEquals(List.of(), pf4j.lines().stream().filter(line -> line.thrown() != null).toList(),
                    "no stack trace");
        }
    }

    @Test
    void theSamePluginWithItsLibraryInLibOfAZipLoadsUnpackedIntoAFolderOfTheZipsName() throws Exception {
        Path jar = PluginJar.builder(plugins.resolve("tmp/tenant.jar")).id("tenant").requires(">=1.0.0")
                .extension(TenantFilterFactory.class).write();
        Path library = PluginJar.builder(plugins.resolve("tmp/tenantlib.jar")).id(null).version(null)
                .addClass(TenantSet.class).write();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(plugins.resolve("tenant-1.0.0.zip")))) {
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    if (!entry.isDirectory()) {
                        zip.putNextEntry(new ZipEntry("classes/" + entry.getName()));
                        zip.write(in.readAllBytes());
                    }
                }
            }
            zip.putNextEntry(new ZipEntry("lib/tenantlib.jar"));
            zip.write(Files.readAllBytes(library));
        }
        Files.delete(jar);
        Files.delete(library);
        Files.delete(jar.getParent());

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            assertEquals(List.of(), host.registry().problemMessages());
            assertEquals(List.of("filter.tenant"), List.copyOf(host.registry().ids()));
        }
    }

    @Test
    void aPluginDependingOnOneMissingAClassIsNotLoadedEitherAndSaysWhy() {
        PluginJar.builder(plugins.resolve("tenant-1.0.0.jar")).id("tenant").requires(">=1.0.0")
                .extension(TenantFilterFactory.class).write();
        PluginJar.builder(plugins.resolve("greet-1.0.0.jar")).id("greet").dependencies("tenant")
                .extension(GreetFilterFactory.class).write();

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            assertEquals(List.of("plugin 'tenant' cannot load class " + TenantSet.class.getName()
                            + " — bundle it (shaded JAR or lib/ in a zip)",
                    "plugin 'greet' 1.0.0 depends on plugin 'tenant', which was refused; it was not loaded"),
                    host.registry().problemMessages());
            assertEquals(List.of(), List.copyOf(host.registry().ids()));
        }
    }

    @Test
    void aNestedExtensionWithoutItsOuterClassIsNoMissingLibrary() {
        // the nested class names its outer one in its constant pool (NestHost, InnerClasses) but never loads it
        PluginJar.builder(plugins.resolve("nested-1.0.0.jar")).id("nested")
                .extension(TestAdminEndpoints.Echo.class).write();

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            assertEquals(List.of(), host.registry().problemMessages());
            assertEquals(1, host.adminEndpoints().size());
        }
    }

    @Test
    void anExpectedRefusalIsOneLineNotPf4jsStackTrace() {
        PluginJar.builder(plugins.resolve("future-1.0.0.jar")).id("future").requires(">=9.0.0")
                .extension(GreetFilterFactory.class).write();
        PluginJar.builder(plugins.resolve("nameless.jar")).id(null).extension(GreetFilterFactory.class).write();

        try (LogCapture pf4j = LogCapture.of("org.pf4j");
             PluginHost host = PluginHost.start(plugins, List.of())) {
            assertEquals(2, host.registry().problems().size(), host.registry().problemMessages().toString());
            assertEquals(List.of(), pf4j.lines().stream()
                    .filter(line -> line.level().intValue() >= Level.WARNING.intValue()).toList(),
                    "the gateway's own warning is the one line");
        }
    }

    @Test
    void theConstantPoolNamesTheClassesACreateUses() throws Exception {
        try (InputStream in = TenantFilterFactory.class.getResourceAsStream("TenantFilterFactory.class")) {
            List<String> references = MissingClasses.classReferences(in.readAllBytes());
            assertTrue(references.contains(TenantSet.class.getName()), references.toString());
            assertTrue(references.contains("java.lang.Object"), references.toString());
        }
    }

    @Test
    void aFailureNamesTheMissingClass() {
        assertEquals(Optional.of("com.google.common.collect.ImmutableSet"), Failures.missingClass(
                new IllegalStateException(new NoClassDefFoundError("com/google/common/collect/ImmutableSet"))));
        assertEquals(Optional.of("com.example.Gone"), Failures.missingClass(new ClassNotFoundException(
                "com.example.Gone")));
        assertEquals(Optional.empty(), Failures.missingClass(new NoClassDefFoundError(
                "Could not initialize class com.example.Broken")));
        assertEquals(Optional.empty(), Failures.missingClass(new IllegalStateException("no key")));
    }
}
