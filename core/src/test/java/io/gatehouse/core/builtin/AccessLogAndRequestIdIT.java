package io.gatehouse.core.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in global filters: request ids end to end, and one JSON access log line per request. */
class AccessLogAndRequestIdIT {

    private static Backend backend;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start(EchoRoutes::register);
        gateway = GatewayFixture.start("""
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: users, match: { path: /users/:id }, upstream: echo, rewrite: /u/:id }
                global_filters:
                  - request_id
                  - access_log: { file: logs/access.log }
                """.formatted(backend.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void aSaneClientRequestIdIsKeptAndSentUpstream() throws Exception {
        HttpResponse<String> response = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/users/1"))
                .header("X-Request-Id", "abc-123").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("abc-123", response.headers().firstValue("x-request-id").orElse(""));
        JsonNode echo = EchoRoutes.JSON.readTree(response.body());
        assertEquals("abc-123", echo.get("headers").get("x-request-id").get(0).asText());
    }

    @Test
    void anInsaneOneIsReplaced() throws Exception {
        HttpResponse<String> response = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/users/1"))
                .header("X-Request-Id", "bad id with spaces").build(), HttpResponse.BodyHandlers.ofString());
        String id = response.headers().firstValue("x-request-id").orElse("");
        assertNotEquals("bad id with spaces", id);
        assertTrue(id.matches("[0-9a-f]{32}"), id);
    }

    @Test
    void everyRequestWritesOneJsonLineIncludingErrors() throws Exception {
        gateway.client().send(HttpRequest.newBuilder(gateway.uri("/users/42?x=1"))
                .header("X-Request-Id", "log-ok").build(), HttpResponse.BodyHandlers.ofString());
        gateway.client().send(HttpRequest.newBuilder(gateway.uri("/nowhere"))
                .header("X-Request-Id", "log-404").build(), HttpResponse.BodyHandlers.ofString());
        Path log = gateway.home().resolve("logs/access.log");
        JsonNode ok = awaitLine(log, "log-ok");
        assertEquals("users", ok.get("route").asText());
        assertEquals("GET", ok.get("method").asText());
        assertEquals("/users/42", ok.get("path").asText());
        assertEquals("/u/42", ok.get("upstream_path").asText());
        assertEquals(200, ok.get("status").asInt());
        assertEquals("http://127.0.0.1:" + backend.port(), ok.get("upstream").asText());
        assertTrue(ok.get("bytes").asLong() > 0);
        assertTrue(ok.get("duration_ms").asDouble() >= 0);
        assertTrue(ok.has("time"));
        JsonNode notFound = awaitLine(log, "log-404");
        assertEquals(404, notFound.get("status").asInt());
        assertEquals("", notFound.get("route").asText());
    }

    static JsonNode awaitLine(Path log, String requestId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                try {
                    seen = Files.readAllLines(log);
                } catch (java.nio.file.NoSuchFileException rotatedMeanwhile) {
                    seen = List.of(); // renamed to .1 between the check and the read; the new file comes next
                }
                for (String line : seen) {
                    JsonNode json = EchoRoutes.JSON.readTree(line);
                    if (requestId.equals(json.get("request_id").asText())) {
                        return json;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access log line for " + requestId + " in " + seen);
    }
}
