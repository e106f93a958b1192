package io.gatehouse.core.plugin;

import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.plugin.testplugins.EchoFilterFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a plugin can see: the JDK, and from the gateway the plugin API, PF4J and the SLF4J API that PF4J's
 * {@code Plugin.log} exposes; everything else only from its own JAR. Each case loads a class by name through the
 * class loader of a real plugin JAR, as {@code Class.forName} in the plugin's code does.
 */
class PluginClassLoadingTest {

    /** A gateway library class the plugin bundles a copy of. */
    private static final Class<?> BUNDLED_LIBRARY = com.fasterxml.jackson.core.Version.class;
    /** A JDK class the plugin bundles a copy of, as a JAR shading an old {@code javax} API might. */
    private static final Class<?> BUNDLED_JDK = javax.net.ssl.SSLContext.class;

    private static final ClassLoader GATEWAY = PluginClassLoadingTest.class.getClassLoader();

    @TempDir
    static Path plugins;
    private static PluginHost host;
    private static ClassLoader plugin;

    @BeforeAll
    static void loadAPlugin() {
        PluginJar.builder(plugins.resolve("probe-1.0.0.jar")).id("probe").requires(">=1.0.0")
                .extension(EchoFilterFactory.class)
                .addClass(BUNDLED_LIBRARY)
                .addClass(BUNDLED_JDK)
                .write();
        host = PluginHost.start(plugins, List.of());
        assertEquals(List.of(), host.registry().problemMessages());
        plugin = host.registry().find("filter.echo").orElseThrow().getClass().getClassLoader();
    }

    @AfterAll
    static void unload() {
        host.close();
    }

    /** Where a class the plugin asks for comes from. */
    enum From { JDK, GATEWAY, PLUGIN, NOWHERE }

    record Case(String desc, String className, From expected) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("java.lang", "java.lang.String", From.JDK),
                new Case("javax in java.base", "javax.net.ssl.SSLSocketFactory", From.JDK),
                new Case("a platform module", "java.sql.Connection", From.JDK),
                new Case("a jdk.* module", "com.sun.net.httpserver.HttpServer", From.JDK),
                new Case("the JDK's, not the plugin's bundled copy", BUNDLED_JDK.getName(), From.JDK),
                new Case("the plugin API", "io.gatehouse.api.FilterFactory", From.GATEWAY),
                new Case("the plugin API's testkit", "io.gatehouse.api.testkit.TestExchange", From.GATEWAY),
                new Case("PF4J", "org.pf4j.Plugin", From.GATEWAY),
                new Case("the SLF4J API (type of PF4J's Plugin.log)", "org.slf4j.Logger", From.GATEWAY),
                new Case("its own class", EchoFilterFactory.class.getName(), From.PLUGIN),
                new Case("a library it bundles, also in the gateway", BUNDLED_LIBRARY.getName(), From.PLUGIN),
                new Case("core", "io.gatehouse.core.plugin.PluginHost", From.NOWHERE),
                new Case("core's context for builtins", "io.gatehouse.core.chain.CoreContext", From.NOWHERE),
                new Case("Helidon's server", "io.helidon.webserver.WebServer", From.NOWHERE),
                new Case("Helidon's common", "io.helidon.common.buffers.BufferData", From.NOWHERE),
                new Case("a gateway library it does not bundle", "com.fasterxml.jackson.databind.ObjectMapper",
                        From.NOWHERE),
                new Case("another gateway library", "org.yaml.snakeyaml.Yaml", From.NOWHERE),
                new Case("an SLF4J binding", "org.slf4j.jul.JDK14LoggerAdapter", From.NOWHERE));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aPluginSeesOnlyTheJdkTheApiAndItsOwnJar(Case c) throws Exception {
        Class<?> inGateway = Class.forName(c.className(), false, GATEWAY);   // so that every case can fail
        switch (c.expected()) {
            case NOWHERE -> assertThrows(ClassNotFoundException.class, () -> Class.forName(c.className(), false, plugin));
            case GATEWAY -> assertSame(inGateway, Class.forName(c.className(), false, plugin));
            case JDK -> {
                ClassLoader loader = Class.forName(c.className(), false, plugin).getClassLoader();
                assertTrue(loader == null || loader == ClassLoader.getPlatformClassLoader(), "loaded by " + loader);
            }
            case PLUGIN -> assertSame(plugin, Class.forName(c.className(), false, plugin).getClassLoader());
        }
    }

    @Test
    void theGatewaysResourcesAreHiddenToo() {
        assertNotNull(GATEWAY.getResource("io/gatehouse/core/plugin/PluginHost.class"));
        assertNull(plugin.getResource("io/gatehouse/core/plugin/PluginHost.class"));
        assertNotNull(plugin.getResource(EchoFilterFactory.class.getName().replace('.', '/') + ".class"));
    }
}
