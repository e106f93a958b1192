package io.gatehouse.core.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.ClientLoop;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retries, passive ejection, active health checks and re-admission against real backends. */
class FailoverIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private final List<Backend> backends = new ArrayList<>();
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backends.forEach(Backend::close);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Backend named(String name, int port, AtomicInteger healthStatus) {
        Backend backend = Backend.startOn(port, routing -> routing
                .get("/health", (req, res) -> res.status(healthStatus.get()).send("health"))
                .get("/who", (req, res) -> res.send(name)));
        backends.add(backend);
        return backend;
    }

    @Test
    void aBackendKilledMidRunCostsNoRequestIsEjectedAndComesBack() throws Exception {
        int[] ports = {freePort(), freePort(), freePort()};
        AtomicInteger ok = new AtomicInteger(200);
        named("a", ports[0], ok);
        Backend b = named("b", ports[1], ok);
        named("c", ports[2], ok);
        gateway = GatewayFixture.start("""
                upstreams:
                  three:
                    discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" }, { url: "http://127.0.0.1:%d" }, { url: "http://127.0.0.1:%d" } ] }
                    retries: 2
                    # a probe timeout of 2 s: on a loaded machine 500 ms timed out all three at start (a dead
                    # backend is found by its refused connections, not by the timeout)
                    health:
                      passive: { consecutive_failures: 1, ejection_time: 200ms }
                      active: { path: /health, interval: 100ms, timeout: 2s, healthy_threshold: 1, unhealthy_threshold: 1 }
                routes:
                  - { id: who, match: { path: /who }, upstream: three }
                """.formatted(ports[0], ports[1], ports[2]));

        ClientLoop load = ClientLoop.start(4, () -> gateway.get("/who"));
        awaitServed(load, 200);
        b.close();
        awaitServed(load, load.ok() + 500);
        awaitAdmin(state -> !state.get("http://127.0.0.1:" + ports[1]).get("state").asText().equals("healthy"));
        named("b", ports[1], ok);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        boolean bBack = false;
        while (!bBack && System.nanoTime() < deadline) {
            bBack = gateway.get("/who").body().equals("b");
        }
        load.close();
        assertTrue(load.failures().isEmpty(), load.failures().size() + " failed requests: " + load.failures());
        assertTrue(bBack, "the restarted backend gets traffic again");
    }

    @Test
    void anEndpointFailingItsActiveCheckGetsNoTrafficUntilItPassesAgain() throws Exception {
        AtomicInteger healthA = new AtomicInteger(200);
        AtomicInteger healthB = new AtomicInteger(200);
        int portA = freePort();
        int portB = freePort();
        named("a", portA, healthA);
        named("b", portB, healthB);
        gateway = GatewayFixture.start("""
                upstreams:
                  two:
                    discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" }, { url: "http://127.0.0.1:%d" } ] }
                    health:
                      active: { path: /health, interval: 100ms, healthy_threshold: 2, unhealthy_threshold: 2, expected_statuses: 200-299 }
                routes:
                  - { id: who, match: { path: /who }, upstream: two }
                """.formatted(portA, portB));
        healthB.set(503);
        awaitAdmin(state -> state.get("http://127.0.0.1:" + portB).get("state").asText().equals("unhealthy"));
        for (int i = 0; i < 50; i++) {
            assertEquals("a", gateway.get("/who").body());
        }
        healthB.set(200);
        awaitAdmin(state -> state.get("http://127.0.0.1:" + portB).get("state").asText().equals("healthy"));
        boolean sawB = false;
        for (int i = 0; i < 20 && !sawB; i++) {
            sawB = gateway.get("/who").body().equals("b");
        }
        assertTrue(sawB, "traffic returns to the endpoint once it passes");
    }

    @Test
    void allEndpointsDownIs503WithRetryAfterNotAHang() throws Exception {
        int portA = freePort();
        int portB = freePort();
        gateway = GatewayFixture.start("""
                upstreams:
                  dead:
                    discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" }, { url: "http://127.0.0.1:%d" } ] }
                    health: { passive: { consecutive_failures: 1, ejection_time: 1m } }
                routes:
                  - { id: dead, match: { path: /dead }, upstream: dead }
                """.formatted(portA, portB));
        HttpResponse<String> first = gateway.get("/dead");
        assertEquals(502, first.statusCode(), first.body());
        HttpResponse<String> second = gateway.get("/dead");
        assertEquals(503, second.statusCode(), second.body());
        assertEquals("1", second.headers().firstValue("retry-after").orElse(""));
        JsonNode problem = EchoRoutes.JSON.readTree(second.body());
        assertEquals("no_healthy_upstream", problem.get("code").asText());
    }

    private void awaitServed(ClientLoop load, long target) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (load.ok() < target && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(load.ok() >= target, "traffic flowed: " + load.ok() + " of " + target);
    }

    private void awaitAdmin(Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode health = null;
        while (System.nanoTime() < deadline) {
            JsonNode upstreams = EchoRoutes.JSON.readTree(gateway.admin("/upstreams").body()).get("upstreams");
            health = EchoRoutes.JSON.createObjectNode();
            for (JsonNode endpoint : upstreams.get(0).get("endpoints")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) health).set(endpoint.get("url").asText(),
                        endpoint.get("health"));
            }
            if (condition.test(health)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("admin /upstreams never showed the expected health: " + health);
    }
}
