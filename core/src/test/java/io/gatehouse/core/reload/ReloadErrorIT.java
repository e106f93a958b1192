package io.gatehouse.core.reload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.plugin.testplugins.MissingClassFilterFactory;
import io.gatehouse.core.plugin.testplugins.OpenCountFilterFactory;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A plugin whose {@code create} throws an {@link Error} ({@link NoClassDefFoundError}: built against a library it
 * does not ship) refuses that generation only: what the build had created is closed, the refusal is reported, and
 * the next valid edit is applied.
 */
class ReloadErrorIT {

    private RawUpstream upstream;
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private String config(String extra) {
        return """
                upstreams:
                  any: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: counted, match: { path: /counted }, upstream: any, filters: [ open_count ] }
                %s""".formatted(upstream.url(), extra);
    }

    @Test
    void aNoClassDefFoundErrorFromCreateRefusesTheGenerationClosesWhatItMadeAndWatchingGoesOn() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("upstream"));
        Path home = Files.createTempDirectory("gatehouse-error");
        PluginJar.builder(home.resolve("plugins/open-count-1.0.0.jar")).id("open-count").requires(">=1.0.0")
                .extension(OpenCountFilterFactory.class).write();
        PluginJar.builder(home.resolve("plugins/missing-1.0.0.jar")).id("missing").requires(">=1.0.0")
                .extension(MissingClassFilterFactory.class).write();
        gateway = GatewayFixture.start(home, config(""));
        assertEquals("open=1", gateway.get("/counted").body());

        Gateway.ReloadStatus refused = gateway.reload(config("""
                  - { id: broken, match: { path: /broken }, upstream: any, filters: [ missing_class ] }
                """));

        assertEquals(List.of("routes[1].filters[0].missing_class: filter.missing_class could not be created: "
                + "NoClassDefFoundError: com/example/ratelimit/Store"), refused.problems().stream()
                .map(Object::toString).toList());
        JsonNode report = new ObjectMapper().readTree(gateway.admin("/config").body());
        assertFalse(report.get("last_reload_ok").asBoolean(), report.toString());
        assertEquals(refused.problems().getFirst().toString(), report.get("problems").get(0).asText());
        assertEquals("open=1", gateway.get("/counted").body(), "the filter the refused build created is closed");
        assertEquals(404, gateway.get("/broken").statusCode());

        Gateway.ReloadStatus applied = gateway.reload(config("""
                  - { id: added, match: { path: /added }, upstream: any }
                """));
        assertEquals(List.of(), applied.problems());
        assertEquals(200, gateway.get("/added").statusCode());
    }
}
