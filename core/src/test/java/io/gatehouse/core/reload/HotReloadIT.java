package io.gatehouse.core.reload;

import io.gatehouse.core.testing.ClientLoop;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.ReloadsUnderLoad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config hot reload: live traffic never fails, new routes go live, a broken edit changes nothing. */
class HotReloadIT {

    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static Backend backend;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start(EchoRoutes::register);
        gateway = GatewayFixture.start(config(0));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    /** A config whose generation {@code n} adds route {@code /v<n>}. */
    private static String config(int n) {
        return """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: stable, match: { path: /stable }, upstream: echo }
                  - { id: v%d, match: { path: /v%d }, upstream: echo }
                """.formatted(backend.url(), n, n);
    }

    @Test
    void twentyReloadsUnderLoadLoseNoRequestAndEachNewRouteGoesLive() throws Exception {
        ClientLoop load = ReloadsUnderLoad.run(gateway, "/stable", 20, HotReloadIT::config,
                n -> assertEquals(200, gateway.get("/v" + n).statusCode(), "route /v" + n + " is live"));
        assertTrue(load.failures().isEmpty(), "failed requests during reloads: " + load.failures());
        assertTrue(load.ok() > 20, "the client loop ran: " + load.ok());
        assertEquals(404, gateway.get("/v1").statusCode(), "routes removed by a reload are gone");
    }

    @Test
    void anInvalidEditKeepsTheRunningRoutesAndIsReported() throws Exception {
        gateway.rewrite(config(100));
        awaitStatus("/v100", 200);
        gateway.rewrite(config(101).replace("upstream: echo }", "upstream: nowhere }"));
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        String report = "";
        while (System.nanoTime() < deadline) {
            report = gateway.admin("/config/status").body();
            if (report.contains("nowhere")) {
                break;
            }
            Thread.sleep(50);
        }
        assertTrue(report.contains("\"last_reload_ok\" : false"), report);
        assertTrue(report.contains("routes[0].upstream"), report);
        assertEquals(200, gateway.get("/v100").statusCode(), "old routes keep serving");
        assertFalse(gateway.get("/v101").statusCode() == 200, "the rejected config is not live");
        gateway.rewrite(config(102));
        awaitStatus("/v102", 200);
    }

    private static void awaitStatus(String path, int status) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = gateway.client().send(HttpRequest.newBuilder(gateway.uri(path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(path + " did not answer " + status + " within " + DEADLINE + " (last " + last + ")");
    }
}
