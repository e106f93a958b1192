package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.ClientLoop;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving a script applies it to the next requests without failing any; a broken or deleted file changes nothing. */
class ScriptReloadIT {

    private static ScriptedRoute scripted;
    private static Path home;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        scripted = ScriptedRoute.start("live");
        home = scripted.home;
        gateway = scripted.gateway;
    }

    @AfterAll
    static void stop() {
        scripted.close();
    }

    @Test
    void twentyEditsUnderAFullSpeedLoopFailNoRequestAndABrokenOrDeletedFileKeepsTheLastGood() throws Exception {
        ClientLoop load = ClientLoop.start(4, () -> gateway.get("/live"));
        try {
            for (int n = 1; n <= 20; n++) {
                ScriptHome.write(home, "live.js", ScriptHome.versioned(n));
                String expected = "200/" + n;
                ScriptHome.await("version " + n + " served", () -> ScriptHome.served(gateway, "/live").equals(expected));
            }

            ScriptHome.write(home, "live.js", "export function filter(exchange, chain) {\n  return chain.proceed(exchange\n}\n");
            ScriptHome.await("the broken edit reported", () -> !ScriptHome.status(gateway, "live.js").get("ok").asBoolean());
            JsonNode broken = ScriptHome.status(gateway, "live.js");
            assertTrue(broken.get("last_error").asText().contains("live.js:3:"), broken.toString());
            assertEquals(21, broken.get("version").asInt(), "the initial load and 20 edits");
            assertEquals("200/20", ScriptHome.served(gateway, "/live"));

            Files.delete(home.resolve("scripts/live.js"));
            ScriptHome.await("the deletion reported",
                    () -> ScriptHome.status(gateway, "live.js").get("last_error").asText().contains("deleted"));
            assertEquals("200/20", ScriptHome.served(gateway, "/live"));
        } finally {
            load.close();
        }
        assertTrue(load.failures().isEmpty(), load.failures().size() + " failed requests: " + load.failures());
        assertTrue(load.ok() > 20, "the client loop ran: " + load.ok());
    }

    @Test
    void aNewFileBecomesUsableByARouteThatNamesIt() throws Exception {
        ScriptHome.write(home, "fresh.js", """
                export function filter(exchange, chain) {
                    return Response.json({ fresh: true, path: exchange.request.path }, 201);
                }
                """);
        scripted.withRoutes("  - { id: fresh, match: { path: /fresh }, upstream: echo, filters: [ { script: fresh.js } ] }\n");
        ScriptHome.await("the new route with its new script", () -> gateway.get("/fresh").statusCode() == 201);
        assertEquals("/fresh", JSON.readTree(gateway.get("/fresh").body()).get("path").asText());
    }
}
