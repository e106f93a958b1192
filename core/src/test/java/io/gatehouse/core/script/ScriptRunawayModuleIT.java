package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A module whose top-level code never ends (saved while serving, present at startup, or only on a later Context's
 * evaluation) is stopped by the load budget and reported with its place; nothing else waits for it.
 */
class ScriptRunawayModuleIT {

    /** Top-level code that never ends; the loop's statement is on line 4. */
    private static final String ENDLESS = """
            // a module whose top-level code never finishes
            let turns = 0;
            while (true) {
                turns++;
            }
            export function filter(exchange, chain) {
                return chain.proceed(exchange);
            }
            """;

    private static ScriptedRoute scripted;
    private static Path home;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        scripted = ScriptedRoute.start("spin");
        home = scripted.home;
        gateway = scripted.gateway;
    }

    @AfterAll
    static void stop() {
        scripted.close();
    }

    private static void assertRunaway(JsonNode status, String file) {
        String error = status.get("last_error").asText();
        assertTrue(error.startsWith("scripts/" + file + ":4:"), "the place of the loop: " + error);
        assertTrue(error.contains("top-level code ran longer than"), error);
    }

    @Test
    void anEndlessLoopSavedWhileServingIsALoadErrorAndLaterEditsAndConfigReloadsApply() throws Exception {
        ScriptHome.write(home, "fresh.js", """
                export function filter(exchange, chain) {
                    return Response.json({ fresh: true }, 201);
                }
                """);
        ScriptHome.write(home, "spin.js", ENDLESS);
        // while spin.js is being evaluated: a config reload that loads another script
        scripted.withRoutes("  - { id: fresh, match: { path: /fresh }, upstream: echo, filters: [ { script: fresh.js } ] }\n");

        ScriptHome.await("the endless loop reported", () -> !ScriptHome.status(gateway, "spin.js").get("ok").asBoolean());
        JsonNode broken = ScriptHome.status(gateway, "spin.js");
        assertRunaway(broken, "spin.js");
        assertTrue(broken.get("last_error").asText().endsWith("; still serving version 1"), broken.toString());
        assertEquals("200/0", ScriptHome.served(gateway, "/spin"));

        ScriptHome.await("the config reload applied", () -> gateway.get("/fresh").statusCode() == 201);
        JsonNode config = JSON.readTree(gateway.admin("/config/status").body());
        assertTrue(config.get("last_reload_ok").asBoolean(), config.toString());

        ScriptHome.write(home, "spin.js", ScriptHome.versioned(2));
        ScriptHome.await("the valid edit served", () -> ScriptHome.served(gateway, "/spin").equals("200/2"));
        assertTrue(ScriptHome.status(gateway, "spin.js").get("ok").asBoolean());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aGatewayStartsWithAnEndlessModuleAndItsRouteAnswers503UntilTheFileIsFixed() throws Exception {
        Path other = ScriptHome.create();
        ScriptHome.write(other, "loop.js", ENDLESS);
        try (GatewayFixture started = GatewayFixture.start(other, """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: loop, match: { path: /loop }, upstream: echo, filters: [ { script: loop.js } ] }
                """.formatted(scripted.echo.url()))) {
            JsonNode status = ScriptHome.status(started, "loop.js");
            assertRunaway(status, "loop.js");
            assertTrue(status.get("version").isNull(), status.toString());

            HttpResponse<String> unavailable = started.get("/loop");
            assertEquals(503, unavailable.statusCode(), unavailable.body());
            assertProblem(unavailable, "script_unavailable");

            ScriptHome.write(other, "loop.js", ScriptHome.versioned(1));
            ScriptHome.await("the fixed file served", () -> ScriptHome.served(started, "/loop").equals("200/1"));
        }
    }

    @Test
    void aModuleThatLoopsOnlyWhenANewContextEvaluatesItFailsThatRequestInsteadOfHangingIt() throws Exception {
        // Contexts are isolated, so what differs between the first evaluation and a later one is the clock
        long armedAt = System.currentTimeMillis() + 5_000;
        ScriptHome.write(home, "later.js", """
                if (Date.now() > %d) {
                    while (true) {
                    }
                }
                export function filter(exchange, chain) {
                    if (exchange.request.query.get('mode') === 'loop') {
                        while (true) {
                        }
                    }
                    return Response.text('ok');
                }
                """.formatted(armedAt));
        scripted.withRoutes("  - { id: later, match: { path: /later }, upstream: echo, filters: [ { script: later.js } ] }\n");
        ScriptHome.await("the route with later.js", () -> gateway.get("/later").statusCode() == 200);
        assertTrue(System.currentTimeMillis() < armedAt, "later.js must load before it is armed; the machine was too slow");
        ScriptHome.await("later.js armed", () -> System.currentTimeMillis() > armedAt);

        // a runaway call costs its Context, so the next request needs a new one
        assertEquals(500, gateway.get("/later?mode=loop").statusCode());
        HttpResponse<String> next = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/later"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(500, next.statusCode(), next.body());
        assertProblem(next, "script_timeout");
    }
}
