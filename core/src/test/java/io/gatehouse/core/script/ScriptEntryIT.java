package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A call's time limit counts JavaScript time from the moment its Context is entered: a slow entry (a new thread
 * queueing on the engine's thread table, as a few hundred new connections at once make it) is not charged, while a
 * script that runs past the limit after the entry is still stopped.
 */
class ScriptEntryIT {

    /** Longer than the route's 50 ms timeout plus the 1 s a Context's first call is granted. */
    private static final long SLOW_ENTRY_MILLIS = 1500;

    private static Backend echo;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        echo = Backend.start(EchoRoutes::register);
        Path home = ScriptHome.create();
        ScriptHome.write(home, "tag.js", """
                export function filter(exchange, chain) {
                    if (exchange.request.query.get('mode') === 'loop') {
                        while (true) {
                        }
                    }
                    exchange.request.headers.set('X-Tagged', 'yes');
                    const response = chain.proceed(exchange);
                    response.headers.set('X-Tag', 'out');
                    return response;
                }
                """);
        gateway = GatewayFixture.start(home, """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: tag, match: { path: /tag }, upstream: echo, filters: [ { script: { file: tag.js, timeout: 50ms } } ] }
                """.formatted(echo.url()));
    }

    @AfterEach
    void fastEntry() {
        ScriptVersion.ScriptContext.beforeEntry = null;
    }

    @AfterAll
    static void stop() {
        gateway.close();
        echo.close();
    }

    @Test
    void aSlowEntryIntoTheContextIsNotChargedToTheScript() throws Exception {
        for (int i = 0; i < 3; i++) {   // warm Contexts: the plain 50 ms limit applies to the next call
            assertEquals(200, gateway.get("/tag").statusCode());
        }
        ScriptVersion.ScriptContext.beforeEntry = () -> sleep(SLOW_ENTRY_MILLIS);

        HttpResponse<String> response = gateway.get("/tag");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("out", response.headers().firstValue("X-Tag").orElse(null));
        // the upstream got the request as the script changed it, once
        JsonNode tagged = JSON.readTree(response.body()).get("headers").get("x-tagged");
        assertEquals(1, tagged.size(), tagged.toString());
        assertEquals("yes", tagged.get(0).asText());
    }

    @Test
    void aScriptRunningPastTheLimitAfterASlowEntryIsStillStopped() throws Exception {
        assertEquals(200, gateway.get("/tag").statusCode());
        ScriptVersion.ScriptContext.beforeEntry = () -> sleep(SLOW_ENTRY_MILLIS);

        HttpResponse<String> stopped = gateway.get("/tag?mode=loop");

        assertEquals(500, stopped.statusCode());
        assertEquals("script_timeout", JSON.readTree(stopped.body()).get("code").asText());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
