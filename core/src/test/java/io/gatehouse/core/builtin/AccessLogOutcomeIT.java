package io.gatehouse.core.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access log says what the client got and whose doing the end of the exchange was (the {@code outcome} of the
 * public completion hook): an upstream that breaks off its body, a client that goes away mid-response or
 * mid-upload, an unusable upstream answer.
 */
class AccessLogOutcomeIT {

    private static final int BIG = 4 * 1024 * 1024;
    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        String bigHead = "HTTP/1.1 200 OK\r\nContent-Length: " + BIG + "\r\n\r\n";
        upstream = RawUpstream.start(request -> switch (request.requestLine().split(" ")[1]) {
            // promises 1 MB, sends 100 KB, closes
            case "/cut" -> RawUpstream.Reply.thenClose("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"
                    + "x".repeat(100_000));
            case "/big" -> new RawUpstream.Reply(concat(bigHead.getBytes(StandardCharsets.US_ASCII), new byte[BIG]),
                    false);
            case "/garbage" -> RawUpstream.Reply.thenClose("HTTP/1.1 600 Nonsense\r\n\r\n");
            default -> RawUpstream.Reply.ok("ok");
        });
        gateway = GatewayFixture.start("""
                upstreams:
                  raw: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: all, match: { path: /*rest }, upstream: raw }
                global_filters:
                  - access_log: { file: logs/access.log }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void anUpstreamThatBreaksOffItsBodyIsLoggedAsItsFailure() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("GET /cut HTTP/1.1\r\nHost: gw\r\nX-Request-Id: cut-1\r\n\r\n");
            assertThrows(IOException.class, client::read, "the client must not get a body that looks complete");
        }
        JsonNode line = awaitLine("cut-1");
        assertEquals(200, line.get("status").asInt(), "the client got a 200 head");
        assertEquals("upstream_failed", line.get("outcome").asText());
        assertTrue(line.get("bytes").asLong() < 1_000_000, line.toString());
    }

    @Test
    void aClientThatGoesAwayMidResponseIsLoggedAsItsAbort() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("GET /big HTTP/1.1\r\nHost: gw\r\nX-Request-Id: gone-1\r\n\r\n");
            client.socket().getInputStream().readNBytes(1000);
            client.socket().setSoLinger(true, 0); // a reset, so that the gateway's next writes fail
        }
        JsonNode line = awaitLine("gone-1");
        assertEquals(200, line.get("status").asInt());
        assertEquals("client_aborted", line.get("outcome").asText());
        assertTrue(line.get("bytes").asLong() < BIG, line.toString());
    }

    @Test
    void aClientThatAbortsItsUploadIsLoggedAs499() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("POST /upload HTTP/1.1\r\nHost: gw\r\nX-Request-Id: upload-1\r\nContent-Length: 200000\r\n\r\n"
                    + "y".repeat(1000));
        }
        JsonNode line = awaitLine("upload-1");
        assertEquals(499, line.get("status").asInt());
        assertEquals("client_aborted", line.get("outcome").asText());
    }

    @Test
    void anUnusableUpstreamAnswerIsA502LoggedAsTheUpstreamsFailure() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            assertEquals(502, client.send("GET /garbage HTTP/1.1\r\nHost: gw\r\nX-Request-Id: bad-1\r\n\r\n").read()
                    .status());
        }
        JsonNode line = awaitLine("bad-1");
        assertEquals(502, line.get("status").asInt());
        assertEquals("upstream_failed", line.get("outcome").asText());
    }

    @Test
    void aNormalExchangeIsOk() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            assertEquals(200, client.send("GET /fine HTTP/1.1\r\nHost: gw\r\nX-Request-Id: ok-1\r\n\r\n").read()
                    .status());
        }
        assertEquals("ok", awaitLine("ok-1").get("outcome").asText());
    }

    private static JsonNode awaitLine(String requestId) throws Exception {
        Path log = gateway.home().resolve("logs/access.log");
        List<String> lines = List.of();
        for (int i = 0; i < 200; i++) {
            lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            for (String line : lines) {
                JsonNode json = EchoRoutes.JSON.readTree(line);
                if (requestId.equals(json.get("request_id").asText())) {
                    return json;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no access log line for " + requestId + " in " + lines);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
