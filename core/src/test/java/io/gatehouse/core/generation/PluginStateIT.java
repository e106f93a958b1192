package io.gatehouse.core.generation;

import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.plugin.testplugins.StatefulFilterFactory;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A plugin's state ({@code PluginContext.state}) through reloads, with a plugin JAR built on the fly: the same
 * object while the filter's config is unchanged, a new one when it changes, and the old one closed once the
 * generation that used it has drained.
 */
class PluginStateIT {

    private RawUpstream upstream;
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private String config(String label, String extraRoute) {
        return """
                upstreams:
                  any: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: counted, match: { path: /counted }, upstream: any, filters: [ { stateful: { label: %s } } ] }
                  - { id: %s, match: { path: /%s }, upstream: any }
                """.formatted(upstream.url(), label, extraRoute, extraRoute);
    }

    @Test
    void theSameStateAcrossAnUnchangedReloadAndTheOldOneClosedAfterAChangeHasDrained() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("upstream"));
        Path home = Files.createTempDirectory("gatehouse-state");
        PluginJar.builder(home.resolve("plugins/stateful-1.0.0.jar")).id("stateful").requires(">=1.0.0")
                .extension(StatefulFilterFactory.class).write();
        gateway = GatewayFixture.start(home, config("a", "v0"));
        String first = answer().split(" ")[0];

        assertEquals(List.of(), gateway.reload(config("a", "v1")).problems());
        assertEquals(200, gateway.get("/v1").statusCode());
        assertEquals(first + " closed=", answer(), "the same state object");

        assertEquals(List.of(), gateway.reload(config("b", "v2")).problems());
        String second = answer().split(" ")[0];
        assertNotEquals(first, second, "a changed config starts from a new state");
        assertEquals(second + " closed=" + first, awaitAnswerContaining("closed=" + first),
                "the old state closed once its generation drained; the new one is open");
    }

    private String answer() throws Exception {
        return gateway.get("/counted").body();
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
