package io.gatehouse.core.plugin;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.GatehouseApi;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.core.plugin.testplugins.BadIdFilterFactory;
import io.gatehouse.core.plugin.testplugins.EchoFilterFactory;
import io.gatehouse.core.plugin.testplugins.FailingStartPlugin;
import io.gatehouse.core.plugin.testplugins.GreetFilterFactory;
import io.gatehouse.core.plugin.testplugins.MisplacedFilterFactory;
import io.gatehouse.core.plugin.testplugins.PassThroughFilterFactory;
import io.gatehouse.core.plugin.testplugins.ThrowingConstructorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginHostTest {

    @TempDir
    Path plugins;

    @Test
    void loadsAJarAndFindsItsFactoryById() throws Exception {
        echo("echo").write();

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            ComponentRegistry registry = host.registry();
            assertEquals(List.of(), registry.problemMessages());
            ComponentFactory<?, ?> factory = registry.find("filter.echo").orElseThrow();
            assertNotSame(EchoFilterFactory.class, factory.getClass(), "loaded by the plugin's class loader");
            @SuppressWarnings("unchecked")
            FilterFactory<Record> filters = (FilterFactory<Record>) factory;
            Record config = filters.configType().getConstructor(String.class).newInstance("from the plugin");
            try (Filter filter = filters.create(config, null)) {
                Response response = filter.filter(TestExchange.get("/"), TestChain.ok());
                assertEquals("from the plugin", new String(response.body().readAll(100), StandardCharsets.UTF_8));
            }
            assertEquals(List.of(new PluginInfo("echo", "1.0.0", "started", "echo-1.0.0.jar",
                    new java.util.TreeSet<>(List.of("filter.echo")), PluginFiles.hash(
                    plugins.resolve("echo-1.0.0.jar")))), registry.plugins());
            assertEquals("plugin 'echo' (echo-1.0.0.jar)", registry.origin("filter.echo").orElseThrow());
            assertEquals(List.of("echo"), List.copyOf(registry.names("filter")));
        }
    }

    @Test
    void offersBuiltinsBesidePlugins() {
        greet().write();
        try (PluginHost host = PluginHost.start(plugins, List.of(new EchoFilterFactory()))) {
            assertEquals(List.of("filter.echo", "filter.greet"), List.copyOf(host.registry().ids("filter")));
            assertTrue(host.registry().origin("filter.echo").orElseThrow().startsWith("builtin ("));
        }
    }

    @Test
    void aMissingPluginsFolderMeansBuiltinsOnly() {
        try (PluginHost host = PluginHost.start(plugins.resolve("absent"), List.of(new EchoFilterFactory()))) {
            assertEquals(List.of("filter.echo"), List.copyOf(host.registry().ids()));
            assertEquals(List.of(), host.registry().plugins());
        }
    }

    @Test
    void twoPluginsClaimingOneIdStopStartupNamingBoth() {
        echo("echo").write();
        echo("echo-copy").write();

        PluginException e = assertThrows(PluginException.class, () -> PluginHost.start(plugins, List.of()));
        assertEquals("component id 'filter.echo' is provided by both plugin 'echo' (echo-1.0.0.jar) and plugin "
                + "'echo-copy' (echo-copy-1.0.0.jar); remove one of them from plugins/", e.getMessage());
    }

    @Test
    void aPluginReplacesABuiltinWithTheSameId() {
        echo("echo").write();
        try (PluginHost host = PluginHost.start(plugins, List.of(new EchoFilterFactory()))) {
            assertEquals("plugin 'echo' (echo-1.0.0.jar)", host.registry().origin("filter.echo").orElseThrow());
        }
    }

    @Test
    void twoPluginsReplacingOneBuiltinStillConflict() {
        echo("echo").write();
        echo("echo-copy").write();
        PluginException e = assertThrows(PluginException.class,
                () -> PluginHost.start(plugins, List.of(new EchoFilterFactory())));
        assertTrue(e.getMessage().contains("'filter.echo' is provided by both plugin 'echo'"), e.getMessage());
    }

    @Test
    void aPluginNeedingANewerApiIsRefusedAndTheOthersLoad() {
        greet().write();
        echo("future").requires(">=2.0.0").write();

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            assertEquals(List.of("plugin 'future' 1.0.0 requires plugin-api >=2.0.0 but this gateway provides "
                            + GatehouseApi.VERSION + "; it needs a newer gateway, or use a build of the plugin for "
                            + "plugin-api " + GatehouseApi.VERSION),
                    host.registry().problemMessages());
            assertEquals("future", host.registry().problems().getFirst().pluginId());
            assertEquals(List.of("filter.greet"), List.copyOf(host.registry().ids()));
        }
    }

    record Case(String desc, Consumer<Path> broken, String expected) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> brokenPlugins() {
        return List.of(
                new Case("missing dependency", dir -> echo(dir, "needy").dependencies("auth@>=1.0.0").write(),
                        "plugin 'needy' 1.0.0 depends on plugin 'auth', which is not installed or failed to load"),
                new Case("dependency too old", dir -> {
                    PluginJar.builder(dir.resolve("auth.jar")).id("auth").version("1.0.0").write();
                    echo(dir, "needy").dependencies("auth@>=2.0.0").write();
                }, "plugin 'needy' 1.0.0 needs plugin 'auth' >=2.0.0 but 'auth' is 1.0.0"),
                new Case("dependency cycle", dir -> {
                    PluginJar.builder(dir.resolve("a.jar")).id("a").dependencies("b").write();
                    PluginJar.builder(dir.resolve("b.jar")).id("b").dependencies("a").write();
                }, "plugin 'a' 1.0.0 is part of a dependency cycle"),
                new Case("no Plugin-Id", dir -> echo(dir, "x").id(null).write(),
                        "plugin at 'x-1.0.0.jar': descriptor invalid: Plugin-Id is missing"),
                new Case("version not semver", dir -> echo(dir, "odd").version("one").write(),
                        "descriptor invalid: Plugin-Version 'one' is not a semver version"),
                new Case("Plugin-Requires garbage", dir -> echo(dir, "odd").requires("newest please").write(),
                        "plugin 'odd' 1.0.0: Plugin-Requires 'newest please' is not a valid version constraint"),
                new Case("not a jar", dir -> write(dir.resolve("junk.jar"), "not a zip"),
                        "plugin at 'junk.jar': descriptor invalid"),
                new Case("Plugin.start throws", dir -> echo(dir, "faulty").pluginClass(FailingStartPlugin.class).write(),
                        "plugin 'faulty' 1.0.0 failed to start: cannot open the rate limit store"),
                new Case("Plugin-Class missing", dir -> echo(dir, "ghost").attribute("Plugin-Class", "no.such.Plugin")
                        .write(), "plugin 'ghost' 1.0.0 failed to start: Plugin-Class no.such.Plugin cannot be loaded"),
                new Case("factory constructor throws", dir -> PluginJar.builder(dir.resolve("throwing.jar"))
                        .id("throwing").extension(ThrowingConstructorFactory.class)
                        .addClass(PassThroughFilterFactory.class).write(),
                        "plugin 'throwing' 1.0.0: extension " + ThrowingConstructorFactory.class.getName()
                                + " failed to create: license server unreachable"),
                new Case("extension class missing", dir -> PluginJar.builder(dir.resolve("hollow.jar"))
                        .id("hollow").extension("com.example.Gone").write(),
                        "plugin 'hollow' 1.0.0: extension com.example.Gone cannot be loaded"),
                new Case("id in the wrong namespace", dir -> PluginJar.builder(dir.resolve("misplaced.jar"))
                        .id("misplaced").extension(MisplacedFilterFactory.class)
                        .addClass(PassThroughFilterFactory.class).write(),
                        "plugin 'misplaced' (misplaced.jar): component id 'lb.misplaced' of "
                                + MisplacedFilterFactory.class.getName() + " is in the wrong namespace: a "
                                + "FilterFactory id must start with 'filter.'"),
                new Case("malformed id", dir -> PluginJar.builder(dir.resolve("bad-id.jar"))
                        .id("bad-id").extension(BadIdFilterFactory.class)
                        .addClass(PassThroughFilterFactory.class).write(),
                        "component id 'filter.Bad-Id' of " + BadIdFilterFactory.class.getName() + " is invalid"));
    }

    @ParameterizedTest
    @MethodSource("brokenPlugins")
    void aBrokenPluginIsReportedAndTheOthersLoad(Case c) {
        greet().write();
        c.broken().accept(plugins);

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            List<String> problems = host.registry().problemMessages();
            assertFalse(problems.isEmpty(), "no problem reported");
            assertTrue(problems.stream().anyMatch(p -> p.contains(c.expected())), problems.toString());
            assertEquals(List.of("filter.greet"), List.copyOf(host.registry().ids()));
        }
    }

    @Test
    void aPluginMayDependOnAnother() {
        PluginJar.builder(plugins.resolve("auth.jar")).id("auth").version("1.2.0").write();
        echo("needy").dependencies("auth@>=1.0.0").write();

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            assertEquals(List.of(), host.registry().problemMessages());
            assertEquals(List.of("auth", "needy"), host.registry().plugins().stream().map(PluginInfo::id).toList());
        }
    }

    @Test
    void aSnapshotVersionAndAFolderPluginLoad() throws IOException {
        echo("snap").version("0.1.0-SNAPSHOT").write();
        Path unpacked = plugins.resolve("greet-folder");
        Path jar = PluginJar.builder(plugins.resolve("tmp/greet.jar")).id("greet").extension(GreetFilterFactory.class)
                .write();
        unzipAsPluginFolder(jar, unpacked);
        Files.delete(jar);
        Files.delete(jar.getParent());

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            assertEquals(List.of(), host.registry().problemMessages());
            assertEquals(List.of("filter.echo", "filter.greet"), List.copyOf(host.registry().ids()));
        }
    }

    @Test
    void aPluginBundlingItsOwnCopyOfTheApiStillCasts() {
        echo("bundler").addClass(FilterFactory.class).addClass(ComponentFactory.class).write();

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            assertInstanceOf(FilterFactory.class, host.registry().find("filter.echo").orElseThrow());
        }
    }

    @Test
    void aHalfWrittenJarIsPendingUntilItIsWholeAndARewrittenOneIsReplacedWhenItsLeaseIsClosed() throws Exception {
        Path built = echo("echo").write();
        Path jar = plugins.resolve("late.jar");
        try (PluginHost host = PluginHost.start(plugins.resolve("absent"), List.of());
             PluginHost live = PluginHost.start(plugins, List.of())) {
            assertEquals(List.of(), host.registry().plugins());
            ComponentRegistry.Lease first = live.lease();
            ClassLoader firstLoader = live.classLoader("echo");

            byte[] bytes = Files.readAllBytes(PluginJar.builder(plugins.resolve(".build/late.jar")).id("late")
                    .extension(GreetFilterFactory.class).write());
            Files.write(jar, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            PluginHost.Refresh halfway = live.refresh();
            assertEquals(List.of("late.jar"), halfway.pending());
            assertFalse(halfway.changed());
            Files.write(jar, bytes);
            assertEquals(List.of("late.jar"), live.refresh().loaded());
            assertTrue(live.registry().find("filter.greet").isPresent());

            Files.write(built, Files.readAllBytes(echo(plugins.resolve(".build"), "echo").version("2.0.0").write()));
            PluginHost.Refresh replaced = live.refresh();
            assertEquals(List.of("echo-1.0.0.jar"), replaced.removed());
            assertEquals(List.of("echo-1.0.0.jar"), replaced.loaded());
            assertNotSame(firstLoader, live.classLoader("echo"));
            assertEquals("2.0.0", live.registry().plugins().stream().filter(p -> p.id().equals("echo")).findFirst()
                    .orElseThrow().version());
            // the generation built with the old plugin still creates with its factory until it lets go
            assertTrue(first.registry().find("filter.echo").isPresent());
            assertEquals("io.gatehouse.core.plugin.testplugins.EchoFilterFactory$Config", firstLoader
                    .loadClass("io.gatehouse.core.plugin.testplugins.EchoFilterFactory$Config").getName());
            first.close();
            assertThrows(Exception.class, () -> firstLoader.loadClass("io.gatehouse.core.plugin.testplugins.Gone"));
            assertFalse(live.refresh().changed(), "a look without a change changes nothing");
        }
    }

    @Test
    void aPluginThatDependsOnAReplacedOneIsLoadedAgainWithItAndARefusedOneIsTriedAgain() throws Exception {
        Path auth = PluginJar.builder(plugins.resolve("auth.jar")).id("auth").version("1.2.0").write();
        echo("needy").dependencies("auth@>=1.0.0").write();
        PluginJar.builder(plugins.resolve("late.jar")).id("late").dependencies("extra").extension(GreetFilterFactory.class)
                .write();

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            ClassLoader needy = host.classLoader("needy");
            assertTrue(host.registry().problemMessages().toString().contains("depends on plugin 'extra'"));
            Files.write(auth, Files.readAllBytes(PluginJar.builder(plugins.resolve(".build/auth.jar")).id("auth")
                    .version("1.3.0").write()));
            PluginJar.builder(plugins.resolve("extra.jar")).id("extra").write();

            PluginHost.Refresh refresh = host.refresh();

            assertEquals(List.of("auth.jar", "extra.jar"), refresh.loaded());
            assertNotSame(needy, host.classLoader("needy"), "loaded again, against the new auth");
            assertEquals(List.of(), host.registry().problemMessages());
            assertEquals(List.of("filter.echo", "filter.greet"), List.copyOf(host.registry().ids()));
        }
    }

    @Test
    void aZipPluginIsUnpackedInThePrivateCopyNotInThePluginsFolder() throws Exception {
        Path inner = PluginJar.builder(plugins.resolve(".build/greet.jar")).id("zipped")
                .extension(GreetFilterFactory.class).write();
        Path zip = plugins.resolve("zipped-1.0.0.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("plugin.properties"));
            out.write("plugin.id=zipped\nplugin.version=1.0.0\nplugin.requires=>=1.0.0\n".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new java.util.zip.ZipEntry("lib/greet.jar"));
            out.write(Files.readAllBytes(inner));
        }

        try (PluginHost host = PluginHost.start(plugins, List.of())) {
            assertEquals(List.of(), host.registry().problemMessages());
            assertEquals(List.of("filter.greet"), List.copyOf(host.registry().ids()));
            assertFalse(Files.exists(plugins.resolve("zipped-1.0.0")), "nothing unpacked into plugins/");
            assertFalse(host.refresh().changed());
            Files.delete(zip);
            assertEquals(List.of("zipped-1.0.0.zip"), host.refresh().removed());
            assertEquals(List.of(), List.copyOf(host.registry().ids()));
        }
    }

    private PluginJar.Builder echo(String id) {
        return echo(plugins, id);
    }

    private PluginJar.Builder greet() {
        return PluginJar.builder(plugins.resolve("greet-1.0.0.jar")).id("greet").extension(GreetFilterFactory.class);
    }

    private static PluginJar.Builder echo(Path dir, String id) {
        return PluginJar.builder(dir.resolve(id + "-1.0.0.jar")).id(id).requires(">=1.0.0")
                .extension(EchoFilterFactory.class);
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A folder plugin keeps its classes and manifest under {@code classes/}. */
    private static void unzipAsPluginFolder(Path jar, Path folder) throws IOException {
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(jar))) {
            for (java.util.zip.ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = folder.resolve("classes").resolve(entry.getName());
                Files.createDirectories(target.getParent());
                Files.write(target, in.readAllBytes());
            }
        }
    }
}
