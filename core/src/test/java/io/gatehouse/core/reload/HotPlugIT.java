package io.gatehouse.core.reload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.plugin.testplugins.LibVersionFilterFactory;
import io.gatehouse.core.plugin.testplugins.VersionedFilterFactory;
import io.gatehouse.core.testing.ClientLoop;
import io.gatehouse.core.testing.plugins.CountingBalancerFactory;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.lang.ref.WeakReference;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot plug with plugin JARs built on the fly and a real loopback upstream: a JAR dropped into {@code plugins/} of
 * a running gateway serves, one rewritten in place (told by its content) is replaced for the next generation with
 * no failed request under a full-speed client loop, one removed while a route needs it leaves that config on its
 * generation (log and {@code /config/status}), and an unplugged plugin's class loader is let go once its generation
 * has drained. Every wait polls with a generous deadline; nothing is timed.
 */
class HotPlugIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private RawUpstream upstream;
    private Path home;
    private GatewayFixture gateway;

    @BeforeEach
    void home() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("upstream"));
        home = Files.createTempDirectory("gatehouse-hotplug");
        Files.createDirectories(home.resolve("plugins"));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private String config(String filters) {
        return """
                upstreams:
                  any: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: plain, match: { path: /plain }, upstream: any }
                  - { id: plugged, match: { path: /plugged }, upstream: any, filters: [ %s ] }
                """.formatted(upstream.url(), filters);
    }

    /** Builds the versioned plugin answering {@code version}, outside {@code plugins/}. */
    private Path versioned(String version) {
        return PluginJar.builder(home.resolve("build/versioned-" + version + ".jar")).id("versioned")
                .requires(">=1.0.0").extension(VersionedFilterFactory.class).entry("versioned.txt", version).write();
    }

    /** Copies a built JAR over {@code plugins/versioned.jar}, in place and not atomically, as {@code cp} does. */
    private void install(Path jar) throws Exception {
        Files.copy(jar, home.resolve("plugins/versioned.jar"), StandardCopyOption.REPLACE_EXISTING);
    }

    private String pluggedVersion() throws Exception {
        HttpResponse<String> response = gateway.get("/plugged");
        return response.statusCode() + " " + response.headers().firstValue("X-Plugin-Version").orElse("-");
    }

    @Test
    void aJarDroppedInServesAndOneRemovedWhileARouteNeedsItLeavesThatRouteOnItsGeneration() throws Exception {
        gateway = GatewayFixture.start(home, config(""));
        long first = gateway.gateway().generation();

        install(versioned("v1"));
        await("the dropped-in plugin is loaded", () -> gateway.gateway().plugins().registry()
                .find("filter.versioned").isPresent());
        assertEquals(List.of(), gateway.reload(config("versioned")).problems());
        assertEquals("200 v1", pluggedVersion());
        JsonNode plugins = json(gateway.admin("/plugins").body()).get("plugins");
        assertEquals("versioned", plugins.get(0).get("id").asText(), plugins.toString());
        assertEquals("started", plugins.get(0).get("state").asText());
        assertEquals("[\"filter.versioned\"]", plugins.get(0).get("provides").toString());
        assertEquals(64, plugins.get(0).get("hash").asText().length());
        assertTrue(gateway.gateway().generation() > first);

        Files.delete(home.resolve("plugins/versioned.jar"));
        await("the removal is reported", () -> gateway.gateway().plugins().registry().find("filter.versioned")
                .isEmpty() && !gateway.gateway().lastReload().applied());
        // (a late event of the config rewrite may have reloaded the same text once more before: compare with the
        // generation the refusal names, and see the unplugged plugin's filter still answer)
        assertEquals(gateway.gateway().lastReload().generation(), gateway.gateway().generation(),
                "the config needing the plugin keeps its generation");
        assertEquals("200 v1", pluggedVersion(), "and the unplugged plugin keeps serving it");
        JsonNode unplugged = json(gateway.admin("/plugins").body()).get("plugins");
        assertEquals("unplugged", unplugged.get(0).get("state").asText(), unplugged.toString());
        JsonNode status = json(gateway.admin("/config/status").body());
        assertFalse(status.get("last_reload_ok").asBoolean(), status.toString());
        assertTrue(status.get("problems").get(0).asText().startsWith("routes[1].filters[0].versioned: unknown filter "
                + "'versioned'"), status.toString());
        assertEquals("plugins", status.get("history").get(0).get("source").asText(), "newest first: " + status);

        assertEquals(List.of(), gateway.reload(config("")).problems(), "a config without it applies");
        assertEquals("200 -", pluggedVersion());
    }

    @Test
    void aFileThatStaysUnreadableIsRefusedWithWhyAndTheGatewayGoesOn() throws Exception {
        gateway = GatewayFixture.start(home, config(""));
        Files.writeString(home.resolve("plugins/broken.jar"), "not a zip");

        await("the broken file is refused", () -> gateway.admin("/plugins").body().contains("broken.jar"));
        JsonNode refused = json(gateway.admin("/plugins").body()).get("plugins").get(0);
        assertEquals("refused", refused.get("state").asText(), refused.toString());
        assertTrue(refused.get("why").asText().contains("plugin at 'broken.jar': descriptor invalid"),
                refused.toString());
        install(versioned("v1"));
        await("a good plugin still loads", () -> gateway.gateway().plugins().registry().find("filter.versioned")
                .isPresent());
    }

    @Test
    void aPluginRewrittenTenTimesUnderFullSpeedLoadFailsNoRequest() throws Exception {
        install(versioned("v0"));
        gateway = GatewayFixture.start(home, config("versioned"));
        assertEquals("200 v0", pluggedVersion());

        Set<String> seen = ConcurrentHashMap.newKeySet();
        ClientLoop load = ClientLoop.start(4, () -> {
            HttpResponse<String> response = gateway.get("/plugged");
            seen.add(response.headers().firstValue("X-Plugin-Version").orElse("-"));
            return response;
        });
        try (load) {
            for (int i = 1; i <= 10; i++) {
                String version = "v" + i;
                install(versioned(version));
                await("version " + version + " serves", () -> seen.contains(version));
            }
        }
        assertEquals(List.of(), load.failures(), "of " + load.ok() + " requests");
        assertFalse(seen.contains("-"), "every answer went through a version of the plugin: " + seen);
        assertTrue(load.ok() > 10, "requests: " + load.ok());
        await("the old versions are unloaded once their generations drained: only one is listed", () ->
                json(gateway.admin("/plugins").body()).get("plugins").size() == 1);
        assertTrue(gateway.gateway().lastReload().applied());
    }

    @Test
    void anUnpluggedPluginsClassLoaderIsLetGoOnceItsGenerationHasDrained() throws Exception {
        install(versioned("v1"));
        gateway = GatewayFixture.start(home, config("versioned"));
        assertEquals("200 v1", pluggedVersion());
        WeakReference<ClassLoader> first = new WeakReference<>(gateway.gateway().plugins().classLoader("versioned"));
        assertNotNull(first.get());

        install(versioned("v2"));
        await("v2 serves", () -> pluggedVersion().equals("200 v2"));
        assertNotEquals(first.get(), gateway.gateway().plugins().classLoader("versioned"));
        WeakReference<ClassLoader> second = new WeakReference<>(gateway.gateway().plugins().classLoader("versioned"));

        // unplugged for good: the route stops using it, then the file goes
        assertEquals(List.of(), gateway.reload(config("")).problems());
        Files.delete(home.resolve("plugins/versioned.jar"));
        await("the plugin is gone", () -> gateway.gateway().plugins().classLoader("versioned") == null);

        await("both class loaders are collected", () -> {
            System.gc();
            return first.get() == null && second.get() == null;
        });
        assertEquals(200, gateway.get("/plugged").statusCode());
    }

    @Test
    void anUpstreamWhoseBalancerCameFromAReplacedPluginIsMadeAgainAndTheOldPluginLetGo() throws Exception {
        Path balancer = home.resolve("plugins/counting.jar");
        PluginJar.builder(balancer).id("counting").requires(">=1.0.0").extension(CountingBalancerFactory.class)
                .entry("rev.txt", "1").write();
        gateway = GatewayFixture.start(home, """
                upstreams:
                  any: { discovery: { type: static, endpoints: [ { url: "%s" } ] }, balancer: { type: counting } }
                routes:
                  - { id: plain, match: { path: /plain }, upstream: any }
                """.formatted(upstream.url()));
        assertEquals(200, gateway.get("/plain").statusCode());
        WeakReference<ClassLoader> first = new WeakReference<>(gateway.gateway().plugins().classLoader("counting"));

        Files.copy(PluginJar.builder(home.resolve("build/counting.jar")).id("counting").requires(">=1.0.0")
                .extension(CountingBalancerFactory.class).entry("rev.txt", "2").write(), balancer,
                StandardCopyOption.REPLACE_EXISTING);
        await("the new version is loaded", () -> {
            ClassLoader now = gateway.gateway().plugins().classLoader("counting");
            return now != null && now != first.get();
        });
        await("the old version's loader is collected: no carried-over upstream holds its balancer", () -> {
            System.gc();
            return first.get() == null;
        });
        assertEquals(200, gateway.get("/plain").statusCode());
    }

    @Test
    void postPluginsReloadAppliesAChangeAndGetPluginsShowsTheNewHash() throws Exception {
        install(versioned("v1"));
        gateway = GatewayFixture.start(home, config("versioned"));
        String before = json(gateway.admin("/plugins").body()).get("plugins").get(0).get("hash").asText();

        install(versioned("v2"));
        HttpResponse<String> reload = gateway.client().send(HttpRequest.newBuilder(
                gateway.adminUri("/plugins/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reload.statusCode(), reload.body());
        await("v2 serves", () -> pluggedVersion().equals("200 v2"));
        String after = json(gateway.admin("/plugins").body()).get("plugins").get(0).get("hash").asText();
        assertNotEquals(before, after);
    }

    @Test
    void twoPluginsBundlingDifferentVersionsOfOneLibraryEachGetTheirOwn() throws Exception {
        for (String version : List.of("1", "2")) {
            PluginJar.builder(home.resolve("plugins/lib-" + version + ".jar")).id("lib-" + version).requires(">=1.0.0")
                    .extension(LibVersionFilterFactory.class).addClass(VersionedFilterFactory.class)
                    .entry("lib-filter-id.txt", "lib_" + version)
                    .entry("com/example/shared/Lib.class", compileLib(version)).write();
        }
        gateway = GatewayFixture.start(home, """
                upstreams:
                  any: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: one, match: { path: /one }, upstream: any, filters: [ lib_1 ] }
                  - { id: two, match: { path: /two }, upstream: any, filters: [ lib_2 ] }
                """.formatted(upstream.url()));

        assertEquals("lib 1", gateway.get("/one").body());
        assertEquals("lib 2", gateway.get("/two").body());
    }

    /** Compiles {@code com.example.shared.Lib} whose {@code version()} returns {@code version}. */
    private byte[] compileLib(String version) throws Exception {
        Path src = home.resolve("lib-src-" + version + "/com/example/shared/Lib.java");
        Path out = home.resolve("lib-out-" + version);
        Files.createDirectories(src.getParent());
        Files.createDirectories(out);
        Files.writeString(src, "package com.example.shared; public final class Lib { public static String version() "
                + "{ return \"" + version + "\"; } }");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", out.toString(), src.toString()));
        return Files.readAllBytes(out.resolve("com/example/shared/Lib.class"));
    }

    private static JsonNode json(String body) throws Exception {
        return new ObjectMapper().readTree(body);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
