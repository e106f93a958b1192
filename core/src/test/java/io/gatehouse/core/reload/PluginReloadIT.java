package io.gatehouse.core.reload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.plugin.testplugins.MissingClassFilterFactory;
import io.gatehouse.core.plugin.testplugins.OpenCountFilterFactory;
import io.gatehouse.core.plugin.testplugins.StatefulFilterFactory;
import io.gatehouse.core.plugin.testplugins.TenantFilterFactory;
import io.gatehouse.core.plugin.testplugins.ThrowingFilterFactory;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plugins through reloads, with plugin JARs built on the fly: a plugin's state ({@code PluginContext.state}) is
 * the same object while its filter's config is unchanged and closed once the generation that used it drained; a
 * plugin whose {@code create} throws an {@link Error} refuses that generation only.
 */
class PluginReloadIT {

    private RawUpstream upstream;
    private Path home;
    private GatewayFixture gateway;

    @BeforeEach
    void plugins() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("upstream"));
        home = Files.createTempDirectory("gatehouse-plugin-reload");
        PluginJar.builder(home.resolve("plugins/stateful-1.0.0.jar")).id("stateful").requires(">=1.0.0")
                .extension(StatefulFilterFactory.class).write();
        PluginJar.builder(home.resolve("plugins/open-count-1.0.0.jar")).id("open-count").requires(">=1.0.0")
                .extension(OpenCountFilterFactory.class).write();
        PluginJar.builder(home.resolve("plugins/missing-1.0.0.jar")).id("missing").requires(">=1.0.0")
                .extension(MissingClassFilterFactory.class).write();
        PluginJar.builder(home.resolve("plugins/tenant-1.0.0.jar")).id("tenant").requires(">=1.0.0")
                .extension(TenantFilterFactory.class).write(); // without the library class it uses
        PluginJar.builder(home.resolve("plugins/throwing-1.0.0.jar")).id("throwing").requires(">=1.0.0")
                .extension(ThrowingFilterFactory.class).write();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    /** Route {@code /filtered} with {@code filter}, then {@code moreRoutes}. */
    private String config(String filter, String moreRoutes) {
        return """
                upstreams:
                  any: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: filtered, match: { path: /filtered }, upstream: any, filters: [ %s ] }
                %s""".formatted(upstream.url(), filter, moreRoutes);
    }

    private static String route(String id) {
        return "  - { id: " + id + ", match: { path: /" + id + " }, upstream: any }\n";
    }

    @Test
    void aPluginKeepsItsStateAcrossAnUnchangedReloadAndTheOldOneClosesAfterAChangeHasDrained() throws Exception {
        gateway = GatewayFixture.start(home, config("{ stateful: { label: a } }", ""));
        String first = answer().split(" ")[0];

        assertEquals(List.of(), gateway.reload(config("{ stateful: { label: a } }", route("v1"))).problems());
        assertEquals(200, gateway.get("/v1").statusCode());
        assertEquals(first + " closed=", answer(), "the same state object");

        assertEquals(List.of(), gateway.reload(config("{ stateful: { label: b } }", route("v2"))).problems());
        String second = answer().split(" ")[0];
        assertNotEquals(first, second, "a changed config starts from a new state");
        assertEquals(second + " closed=" + first, awaitAnswerContaining("closed=" + first),
                "the old state closed once its generation drained; the new one is open");
    }

    @Test
    void aNoClassDefFoundErrorFromCreateRefusesTheGenerationClosesWhatItMadeAndWatchingGoesOn() throws Exception {
        gateway = GatewayFixture.start(home, config("open_count", ""));
        assertEquals("open=1", answer());

        Gateway.ReloadStatus refused = gateway.reload(config("open_count",
                "  - { id: broken, match: { path: /broken }, upstream: any, filters: [ missing_class ] }\n"));

        assertEquals(List.of("routes[1].filters[0].missing_class: filter.missing_class could not be created: "
                + "plugin 'missing' cannot load class com.example.ratelimit.Store — bundle it (shaded JAR or lib/ in "
                + "a zip)"), refused.problems().stream()
                .map(Object::toString).toList());
        JsonNode report = new ObjectMapper().readTree(gateway.admin("/config/status").body());
        assertFalse(report.get("last_reload_ok").asBoolean(), report.toString());
        assertEquals(refused.problems().getFirst().toString(), report.get("problems").get(0).asText());
        assertEquals("open=1", answer(), "the filter the refused build created is closed");
        assertEquals(404, gateway.get("/broken").statusCode());

        assertEquals(List.of(), gateway.reload(config("open_count", route("added"))).problems());
        assertEquals(200, gateway.get("/added").statusCode());
    }

    @Test
    void aPluginMissingALibraryIsRefusedAndTheGatewayAndReloadGoOn() throws Exception {
        String refusal = "plugin 'tenant' cannot load class io.gatehouse.core.plugin.testplugins.tenantlib.TenantSet"
                + " — bundle it (shaded JAR or lib/ in a zip)";
        try (LogCapture log = LogCapture.of("")) {
            gateway = GatewayFixture.start(home, config("open_count", ""));
            assertEquals(1, log.containing("plugin 'tenant'").size(), "one line: " + log.lines());
        }
        JsonNode plugins = new ObjectMapper().readTree(gateway.admin("/plugins").body());
        assertTrue(plugins.toString().contains(refusal), plugins.toString());

        Gateway.ReloadStatus refused = gateway.reload(config("tenant", ""));
        assertEquals(List.of("routes[0].filters[0].tenant: unknown filter 'tenant' (plugin 'tenant' was refused: "
                + refusal + ")"), refused.problems().stream().map(Object::toString).toList());
        assertEquals("open=1", answer(), "the running generation serves on");

        assertEquals(List.of(), gateway.reload(config("open_count", route("added"))).problems());
        assertEquals(200, gateway.get("/added").statusCode());
    }

    @Test
    void anExceptionInAFilterIsA500WhoseLogLineNamesTheFilterAndItsPlace() throws Exception {
        gateway = GatewayFixture.start(home, config("{ throwing: { header: X-Tenant } }, open_count", ""));
        try (LogCapture log = LogCapture.of("io.gatehouse")) {
            assertEquals(500, gateway.get("/filtered").statusCode());
            List<LogCapture.Line> lines = log.containing("on route 'filtered' failed");
            assertEquals(1, lines.size(), log.lines().toString());
            assertTrue(lines.getFirst().message().endsWith("failed in filter.throwing at routes[0].filters[0].throwing"
                    + " (2nd of 3 in the chain)"), lines.getFirst().message());
        }
    }

    private String answer() throws Exception {
        return gateway.get("/filtered").body();
    }

    /** The old generation closes after it drains, in the background: poll for it. */
    private String awaitAnswerContaining(String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = answer();
        while (!last.contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' within 20 s; last answer: " + last);
            }
            Thread.sleep(10);
            last = answer();
        }
        return last;
    }
}
