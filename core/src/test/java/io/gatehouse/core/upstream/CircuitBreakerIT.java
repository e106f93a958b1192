package io.gatehouse.core.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The circuit breaker of docs/resilience.md against a real upstream: it opens on the failure rate, then requests
 * fail fast without reaching the upstream (counted there), a half-open probe closes it once the upstream has
 * recovered; clients that go away never open it.
 */
class CircuitBreakerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private RawUpstream upstream;
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aFailingEndpointOpensItsCircuitRequestsFailFastAndAProbeClosesItWhenItRecovers() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        upstream = RawUpstream.start(request -> failing.get()
                ? RawUpstream.Reply.of("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown")
                : RawUpstream.Reply.ok("paid"));
        try (LogCapture log = LogCapture.of("io.gatehouse")) {
            // open for 5 s rather than 2: a loaded machine must not reach half-open while the test counts
            gateway = GatewayFixture.start(DocExample.yaml("docs/resilience.md", "circuit-breaker")
                    .replace("http://127.0.0.1:8081", upstream.url()).replace("open_time: 2s", "open_time: 5s"));

            // minimum_requests: 10 at 100 % failures: the tenth opens it
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> response = gateway.get("/payments/1");
                assertEquals(503, response.statusCode());
                assertEquals("down", response.body(), "the upstream's own answer while the circuit is closed");
            }
            assertEquals(10, upstream.received().size());
            assertEquals("open", circuit().get("state").asText());
            int connections = upstream.connections();

            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = gateway.get("/payments/1");
                assertEquals(503, response.statusCode(), response.body());
                assertProblem(response, "circuit_open");
                int retryAfter = Integer.parseInt(response.headers().firstValue("retry-after").orElse("0"));
                assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After is the open time left: " + retryAfter);
                assertTrue(!response.body().contains("127.0.0.1"), "no address in the problem: " + response.body());
            }
            assertEquals(10, upstream.received().size(), "no request reached the upstream while open");
            assertEquals(connections, upstream.connections(), "no connection attempt while open");

            failing.set(false);
            HttpResponse<String> recovered = awaitStatus(200);
            assertEquals("paid", recovered.body());
            assertEquals(11, upstream.received().size(), "exactly one probe reached the upstream before it closed");
            assertEquals("closed", circuit().get("state").asText());
            for (int i = 0; i < 5; i++) {
                assertEquals(200, gateway.get("/payments/1").statusCode());
            }

            assertEquals(1, log.containing("circuit of " + upstream.url() + " open for 5000 ms (failure rate 100 %")
                    .size(), log.lines().toString());
            assertEquals(1, log.containing("circuit of " + upstream.url() + " half-open").size());
            assertEquals(1, log.containing("circuit of " + upstream.url() + " closed").size());
            assertTrue(log.lines().stream().allMatch(line -> line.thrown() == null), "no stack traces");
        }
    }

    @Test
    void anOpenCircuitStaysOpenAcrossAReloadThatLeavesItsUpstreamAloneAndAChangedOneStartsClosed() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.of(
                "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 4\r\n\r\ndown"));
        String config = DocExample.yaml("docs/resilience.md", "circuit-breaker")
                .replace("http://127.0.0.1:8081", upstream.url()).replace("open_time: 2s", "open_time: 1m");
        gateway = GatewayFixture.start(config);
        for (int i = 0; i < 10; i++) {
            assertEquals(502, gateway.get("/payments/1").statusCode());
        }
        assertEquals("open", circuit().get("state").asText());

        Gateway.ReloadStatus routeAdded = gateway.reload(config + "  - { id: other, match: { path: /other }, "
                + "upstream: payments }\n");
        assertEquals(List.of(), routeAdded.problems());
        HttpResponse<String> stillOpen = gateway.get("/other");
        assertProblem(stillOpen, "circuit_open");
        assertEquals("open", circuit().get("state").asText());
        assertEquals(10, upstream.received().size(), "the carried-over circuit let nothing through");

        Gateway.ReloadStatus changed = gateway.reload(config.replace("minimum_requests: 10", "minimum_requests: 11"));
        assertEquals(List.of(), changed.problems());
        assertEquals(502, gateway.get("/payments/1").statusCode(), "a changed upstream starts closed");
        assertEquals(11, upstream.received().size());
    }

    @Test
    void clientsThatGoAwayNeverOpenIt() throws Exception {
        String big = "x".repeat(2_000_000);
        upstream = RawUpstream.start(request -> request.requestLine().startsWith("GET /big")
                ? RawUpstream.Reply.ok(big) : RawUpstream.Reply.ok("fine"));
        // a single failure would open it
        gateway = GatewayFixture.start("""
                upstreams:
                  raw:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    health: { passive: { consecutive_failures: 0 } }
                    circuit_breaker: { consecutive_failures: 1, minimum_requests: 1, failure_rate_threshold: 1 }
                routes:
                  - { id: all, match: { path: /*rest }, upstream: raw }
                """.formatted(upstream.url()));

        for (int abort = 1; abort <= 4; abort++) {
            // an upload the client abandons
            try (RawClient client = RawClient.connect(gateway.uri("/"))) {
                client.send("POST /upload HTTP/1.1\r\nHost: gateway\r\nContent-Length: 200000\r\n\r\n"
                        + "x".repeat(1000));
            }
            // a download the client stops reading after its head
            try (RawClient client = RawClient.connect(gateway.uri("/"))) {
                client.send("GET /big HTTP/1.1\r\nHost: gateway\r\n\r\n");
                client.socket().getInputStream().readNBytes(100);
            }
        }
        awaitReceived(8);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (upstream.open() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5); // the gateway has let go of every abandoned exchange
        }
        assertEquals(0, upstream.open());

        JsonNode circuit = circuit();
        assertEquals("closed", circuit.get("state").asText(), circuit.toString());
        assertEquals(0, circuit.get("failures").asInt(), circuit.toString());
        assertEquals(0, circuit.get("trips").asInt(), circuit.toString());
        HttpResponse<String> after = gateway.get("/after");
        assertEquals(200, after.statusCode(), after.body());
        assertEquals("fine", after.body());
    }

    private HttpResponse<String> awaitStatus(int status) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = gateway.get("/payments/1");
            if (response.statusCode() == status) {
                return response;
            }
            assertProblem(response, "circuit_open");
            Thread.sleep(50);
        }
        throw new AssertionError("no " + status + " within " + DEADLINE);
    }

    private void awaitReceived(int requests) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (upstream.received().size() < requests && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(requests, upstream.received().size());
    }

    private JsonNode circuit() throws Exception {
        JsonNode upstreams = EchoRoutes.JSON.readTree(gateway.admin("/upstreams").body()).get("upstreams");
        return upstreams.get(0).get("endpoints").get(0).get("health").get("circuit_breaker");
    }
}
