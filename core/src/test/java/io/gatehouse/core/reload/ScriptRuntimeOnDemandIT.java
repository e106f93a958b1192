package io.gatehouse.core.reload;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway whose routes use no script starts no script runtime ({@code GET /scripts}: no runtime, no scripts); the
 * first reload that adds a scripted route starts it, and that route runs its script.
 */
class ScriptRuntimeOnDemandIT {

    @Test
    void theRuntimeStartsWithTheFirstScriptedRoute() throws Exception {
        try (Backend echo = Backend.start(EchoRoutes::register)) {
            Path home = Files.createTempDirectory("gatehouse-scripts-on-demand");
            Files.createDirectories(home.resolve("scripts"));
            Files.writeString(home.resolve("scripts/tag.js"), """
                    export function filter(exchange, chain) {
                        return Response.json({ scripted: true, path: exchange.request.path }, 201);
                    }
                    """);
            String routes = """
                    upstreams:
                      echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                    routes:
                      - { id: plain, match: { path: /plain }, upstream: echo }
                    """.formatted(echo.url());
            try (GatewayFixture gateway = GatewayFixture.start(home, routes)) {
                assertEquals(200, gateway.get("/plain").statusCode());
                JsonNode before = JSON.readTree(gateway.admin("/scripts").body());
                assertTrue(before.get("runtime").isNull(), before.toString());
                assertEquals(0, before.get("scripts").size(), before.toString());

                Gateway.ReloadStatus reload = gateway.reload(routes
                        + "  - { id: tagged, match: { path: /tagged }, upstream: echo, filters: [ { script: tag.js } ] }\n");
                assertEquals(List.of(), reload.problems());
                var response = gateway.get("/tagged");
                assertEquals(201, response.statusCode(), response.body());
                assertEquals("/tagged", JSON.readTree(response.body()).get("path").asText());
                assertEquals(200, gateway.get("/plain").statusCode());
                JsonNode after = JSON.readTree(gateway.admin("/scripts").body());
                assertTrue(after.get("runtime").isTextual(), after.toString());
                assertEquals("tag.js", after.at("/scripts/0/name").asText(), after.toString());
                assertTrue(after.at("/scripts/0/ok").asBoolean(), after.toString());
            }
        }
    }
}
