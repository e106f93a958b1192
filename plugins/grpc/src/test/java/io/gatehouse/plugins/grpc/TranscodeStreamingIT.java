package io.gatehouse.plugins.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.plugins.grpc.test.CountRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static io.gatehouse.plugins.grpc.TranscodeIT.JSON;
import static io.gatehouse.plugins.grpc.TranscodeIT.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server streaming as NDJSON and SSE (messages written as they arrive, a failure after the first one in the
 * stream), deadlines (the route's timeout and the client's grpc-timeout) and an endpoint that cannot be reached,
 * counted against it by passive health.
 */
class TranscodeStreamingIT {

    private static EchoServer server;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        server = EchoServer.withoutReflection("a");
        gateway = GatewayFixture.start(TranscodeIT.home(), """
                upstreams:
                  echo:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    transport: { type: grpc, descriptor_set: conf/echo.pb }
                routes:
                  - { id: slow, match: { path: /v1/slow/*rest }, upstream: echo, timeout: 300ms }
                  - { id: api, match: { path: /*rest }, upstream: echo, timeout: 20s }
                """.formatted(server.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        server.close();
    }

    private static HttpResponse<InputStream> open(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void ndjsonStream() throws Exception {
        HttpResponse<String> response = send(gateway, "GET", "/v1/count/3", null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/x-ndjson", response.headers().firstValue("content-type").orElse(""));
        assertEquals("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n", response.body());
        assertTrue(server.received.contains(CountRequest.newBuilder().setCount(3).build()), server.received.toString());
    }

    @Test
    void sseStream() throws Exception {
        HttpResponse<String> response = send(gateway, "GET", "/v1/count/2?interval_ms=10", null,
                "Accept", "text/event-stream");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElse(""));
        assertEquals("data: {\"n\":1}\n\ndata: {\"n\":2}\n\n", response.body());
    }

    @Test
    void emptyStream() throws Exception {
        HttpResponse<String> response = send(gateway, "GET", "/v1/count/0", null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("", response.body());
    }

    /**
     * The server sends its first message at once and the next one ten minutes later; the client's deadline ends the
     * call long before. Reading the first line proves it was written as it arrived; the stream then ends with the
     * deadline's problem as its last line.
     */
    @Test
    void ndjsonMessagesArriveBeforeTheEndAndAFailureEndsTheStream() throws Exception {
        HttpResponse<InputStream> response = open("/v1/count/2?intervalMs=600000", "grpc-timeout", "5S");
        assertEquals(200, response.statusCode());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            assertEquals("{\"n\":1}", lines.readLine());
            JsonNode last = JSON.readTree(lines.readLine());
            assertEquals("DEADLINE_EXCEEDED", last.get("error").get("grpc_status").asText(), last.toString());
            assertEquals(504, last.get("error").get("status").asInt());
            assertNull(lines.readLine(), "the stream ends after the error");
        }
    }

    @Test
    void sseMessagesArriveBeforeTheEndAndAFailureIsAnErrorEvent() throws Exception {
        HttpResponse<InputStream> response = open("/v1/count/2?interval_ms=600000", "grpc-timeout", "5S",
                "Accept", "text/event-stream");
        assertEquals(200, response.statusCode());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            assertEquals("data: {\"n\":1}", lines.readLine());
            assertEquals("", lines.readLine());
            List<String> rest = new ArrayList<>();
            for (String line; (line = lines.readLine()) != null; ) {
                rest.add(line);
            }
            assertEquals(3, rest.size(), rest.toString());
            assertEquals("event: error", rest.get(0));
            assertTrue(rest.get(1).startsWith("data: {"), rest.toString());
            assertEquals("grpc_deadline_exceeded", JSON.readTree(rest.get(1).substring(6)).get("code").asText());
            assertEquals("", rest.get(2));
        }
    }

    @Test
    void clientGoingAwayCancelsTheCall() throws Exception {
        int cancelledBefore = server.cancelled.get();
        HttpResponse<InputStream> response = open("/v1/count/1000?interval_ms=200");
        assertEquals(200, response.statusCode());
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertEquals("{\"n\":1}", lines.readLine());
        lines.close();
        poll(() -> server.cancelled.get() > cancelledBefore, "the server saw the call cancelled");
    }

    @Test
    void routeTimeoutIsTheDeadline() throws Exception {
        int cancelledBefore = server.cancelled.get();
        HttpResponse<String> response = send(gateway, "GET", "/v1/slow/5000", null);
        assertEquals(504, response.statusCode(), response.body());
        assertProblem(response, "grpc_deadline_exceeded");
        JsonNode problem = JSON.readTree(response.body());
        assertEquals("DEADLINE_EXCEEDED", problem.get("grpc_status").asText());
        assertFalse(problem.has("grpc_message"), "grpc-java's own text (addresses) is not shown: " + problem);
        poll(() -> server.cancelled.get() > cancelledBefore, "the server saw the call end at its deadline");
    }

    @Test
    void clientGrpcTimeoutWhenShorter() throws Exception {
        HttpResponse<String> byName = send(gateway, "POST", "/gatehouse.test.Echo/Slow", "{}");
        assertEquals(404, byName.statusCode(), "an annotated method is reached by its bindings only");
        HttpResponse<String> slow = send(gateway, "GET", "/v1/count/2?interval_ms=600000", null,
                "grpc-timeout", "200m");
        assertEquals(200, slow.statusCode(), slow.body());
        assertTrue(slow.body().startsWith("{\"n\":1}\n{\"error\":{"), slow.body());

        HttpResponse<String> bad = send(gateway, "GET", "/v1/count/1", null, "grpc-timeout", "soon");
        assertEquals(400, bad.statusCode());
        assertProblem(bad, "grpc_invalid_timeout");
    }

    @Test
    void clientsThatAbandonTheirUploadDoNotGetTheEndpointEjected() throws Exception {
        try (GatewayFixture one = GatewayFixture.start(TranscodeIT.home(), """
                upstreams:
                  echo:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    health: { passive: { consecutive_failures: 1, ejection_time: 5m } }
                    transport: { type: grpc, descriptor_set: conf/echo.pb }
                routes:
                  - { id: api, match: { path: /*rest }, upstream: echo, timeout: 5s }
                """.formatted(server.url()))) {
            int port = one.gateway().port();
            for (String framing : List.of("Content-Length: 100\r\n", "Transfer-Encoding: chunked\r\n")) {
                String path = framing.startsWith("Content") ? "/v1/greetings" : "/v1/sum";
                for (int i = 0; i < 3; i++) {
                    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                        socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: gw\r\n"
                                + "Content-Type: application/json\r\n" + framing + "\r\n"
                                + (framing.startsWith("Content") ? "{\"name\":" : "9\r\n{\"value\":")).getBytes(
                                java.nio.charset.StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                        Thread.sleep(200);
                    } // closed mid-body
                }
            }
            String upstreams = "";
            for (int i = 0; i < 20 && !upstreams.contains("healthy"); i++) {
                Thread.sleep(100);
                upstreams = one.admin("/upstreams").body();
            }
            assertFalse(upstreams.contains("ejected"), "the clients' aborts were counted: " + upstreams);
            HttpResponse<String> response = send(one, "GET", "/v1/greetings/after", null);
            assertEquals(200, response.statusCode(), response.body());
        }
    }

    @Test
    void unreachableEndpointIs503AndEjected() throws Exception {
        int dead = unusedPort();
        try (GatewayFixture two = GatewayFixture.start(TranscodeIT.home(), """
                upstreams:
                  echo:
                    discovery: { type: static, endpoints: [ { url: "%s" }, { url: "http://127.0.0.1:%d" } ] }
                    health: { passive: { consecutive_failures: 1, ejection_time: 5m } }
                    transport: { type: grpc, descriptor_set: conf/echo.pb }
                routes:
                  - { id: api, match: { path: /*rest }, upstream: echo, timeout: 5s }
                """.formatted(server.url(), dead))) {
            HttpResponse<String> failed = null;
            for (int i = 0; i < 4 && failed == null; i++) {
                HttpResponse<String> response = send(two, "GET", "/v1/greetings/x", null);
                if (response.statusCode() != 200) {
                    failed = response;
                }
            }
            assertTrue(failed != null, "round robin reached the dead endpoint");
            assertEquals(503, failed.statusCode(), failed.body());
            assertProblem(failed, "grpc_unavailable");
            assertFalse(JSON.readTree(failed.body()).has("grpc_message"), failed.body());
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> response = send(two, "GET", "/v1/greetings/x", null);
                assertEquals(200, response.statusCode(), "the dead endpoint was ejected: " + response.body());
            }
            String upstreams = two.admin("/upstreams").body();
            assertTrue(upstreams.contains("ejected"), upstreams);
        }
    }

    @Test
    void callEndingWithoutStatusIs502() throws Exception {
        try (StatuslessServer broken = new StatuslessServer();
             GatewayFixture bad = GatewayFixture.start(TranscodeIT.home(), """
                     upstreams:
                       echo:
                         discovery: { type: static, endpoints: [ { url: "%s" } ] }
                         transport: { type: grpc, descriptor_set: conf/echo.pb }
                     routes:
                       - { id: api, match: { path: /*rest }, upstream: echo, timeout: 5s }
                     """.formatted(broken.url()))) {
            HttpResponse<String> unary = send(bad, "GET", "/v1/greetings/x", null);
            assertEquals(502, unary.statusCode(), unary.body());
            assertProblem(unary, "grpc_status_missing");
            HttpResponse<String> stream = send(bad, "GET", "/v1/count/2", null);
            assertEquals(200, stream.statusCode(), "the first message came: " + stream.body());
            String[] lines = stream.body().split("\n");
            assertEquals("{}", lines[0]);
            JsonNode error = JSON.readTree(lines[1]).get("error");
            assertEquals("grpc_status_missing", error.get("code").asText(), stream.body());
            assertEquals(502, error.get("status").asInt());
        }
    }

    static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void poll(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
