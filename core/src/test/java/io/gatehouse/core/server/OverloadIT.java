package io.gatehouse.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Overload shedding (docs/resilience.md): beyond a route's or the gateway's limit of concurrent requests the excess
 * is answered 503 at once (while the admitted ones are still held by the upstream, so it cannot have waited for
 * them) with Retry-After and Connection: close; the admitted requests succeed; the admin API answers throughout.
 */
class OverloadIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger arrived = new AtomicInteger();
    private Backend backend;
    private GatewayFixture gateway;

    @BeforeEach
    void startBackend() {
        backend = Backend.start(routing -> routing.get("/*", (req, res) -> {
            arrived.incrementAndGet();
            if (req.path().path().endsWith("/slow")) {
                release.await(30, TimeUnit.SECONDS);
            }
            res.send("report");
        }));
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
    }

    @Test
    void aRouteAtItsLimitShedsTheExcessAtOnceAndServesTheRest() throws Exception {
        String config = DocExample.yaml("docs/resilience.md", "overload")
                .replace("port: 8080", "port: 0").replace("http://127.0.0.1:8081", backend.url());
        gateway = GatewayFixture.start(config);

        List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            admitted.add(send("/reports/slow"));
        }
        awaitArrived(4);

        List<CompletableFuture<HttpResponse<String>>> excess = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            excess.add(send("/reports/slow"));
        }
        for (CompletableFuture<HttpResponse<String>> shed : excess) {
            HttpResponse<String> response = shed.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertEquals(503, response.statusCode(), response.body());
            assertProblem(response, "overloaded");
            assertEquals("1", response.headers().firstValue("retry-after").orElse(""));
        }
        try (RawClient raw = RawClient.connect(gateway.uri("/"))) {
            RawClient.RawResponse response = raw.send("GET /reports/slow HTTP/1.1\r\nHost: gw\r\n\r\n").read();
            assertEquals(503, response.status());
            assertEquals("close", response.header("Connection"));
            assertTrue(raw.closedByPeer(), "the shed request's connection is closed");
        }
        assertEquals(200, gateway.admin("/health").statusCode(), "the admin API answers while the route sheds");
        JsonNode route = EchoRoutes.JSON.readTree(gateway.admin("/routes").body()).get("routes").get(0);
        assertEquals(4, route.get("in_flight").asInt(), route.toString());
        assertEquals(4, arrived.get(), "no shed request reached the upstream");
        assertTrue(admitted.stream().noneMatch(CompletableFuture::isDone), "the admitted ones are still held");

        // a reload that changes the route (not its id) keeps its count: the requests on the old generation count
        Gateway.ReloadStatus reload = gateway.reload(config.replace("max_concurrent_requests: 4",
                "max_concurrent_requests: 4\n    timeout: 20s"));
        assertEquals(List.of(), reload.problems());
        HttpResponse<String> afterReload = gateway.get("/reports/slow");
        assertEquals(503, afterReload.statusCode(), afterReload.body());
        assertProblem(afterReload, "overloaded");
        assertEquals(4, arrived.get());

        release.countDown();
        for (CompletableFuture<HttpResponse<String>> ok : admitted) {
            HttpResponse<String> response = ok.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("report", response.body());
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(200, gateway.get("/reports/slow").statusCode(), "the slots were given back");
        }
        awaitInFlight(0);
    }

    @Test
    void theGatewayLimitShedsOnEveryRouteAndAClientThatLeftGivesItsSlotBack() throws Exception {
        gateway = GatewayFixture.start("""
                server: { host: 127.0.0.1, port: 0, limits: { max_concurrent_requests: 2 } }
                upstreams:
                  reports:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                routes:
                  - { id: a, match: { path: /a/*rest }, upstream: reports, max_concurrent_requests: 100 }
                  - { id: b, match: { path: /b/*rest }, upstream: reports }
                """.formatted(backend.url()));

        CompletableFuture<HttpResponse<String>> first = send("/a/slow");
        RawClient leaving = RawClient.connect(gateway.uri("/"));
        leaving.send("GET /a/slow HTTP/1.1\r\nHost: gw\r\n\r\n");
        awaitArrived(2);
        leaving.close();

        HttpResponse<String> shed = gateway.get("/b/fast");
        assertEquals(503, shed.statusCode(), shed.body());
        assertProblem(shed, "overloaded");
        assertEquals(404, gateway.get("/nowhere").statusCode(), "requests matching no route are not counted");
        assertEquals(200, gateway.admin("/health").statusCode());
        assertEquals(2, arrived.get());

        release.countDown();
        assertEquals(200, first.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).statusCode());
        // the slot of the client that left is given back once the gateway has found it gone
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int status = 0;
        while (System.nanoTime() < deadline) {
            CompletableFuture<HttpResponse<String>> one = send("/b/fast");
            CompletableFuture<HttpResponse<String>> two = send("/b/fast");
            status = Math.max(one.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).statusCode(),
                    two.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).statusCode());
            if (status == 200) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(200, status, "both slots are free again");
    }

    private CompletableFuture<HttpResponse<String>> send(String path) {
        return gateway.client().sendAsync(HttpRequest.newBuilder(gateway.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitArrived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (arrived.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, arrived.get());
    }

    private void awaitInFlight(int count) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int now = -1;
        while (System.nanoTime() < deadline) {
            now = EchoRoutes.JSON.readTree(gateway.admin("/routes").body()).get("routes").get(0).get("in_flight")
                    .asInt();
            if (now == count) {
                return;
            }
            Thread.sleep(10);
        }
        assertEquals(count, now);
    }
}
