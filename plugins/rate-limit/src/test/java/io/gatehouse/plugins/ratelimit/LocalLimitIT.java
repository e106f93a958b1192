package io.gatehouse.plugins.ratelimit;

import io.gatehouse.core.Gateway;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end, local counters: the examples of docs/rate-limiting.md on a real gateway with the packaged plugin. */
class LocalLimitIT {

    /** The request was refused with 429 rate_limited, honest headers, and the upstream received nothing. */
    static HttpResponse<String> assertLimited(RateGateway gateway, String path) throws Exception {
        int before = gateway.upstream.count();
        HttpResponse<String> response = gateway.get(path);
        assertEquals(429, response.statusCode(), response.body());
        assertProblem(response, "rate_limited");
        long retry = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry >= 1, "Retry-After " + retry);
        assertEquals(before, gateway.upstream.count(), "the upstream received nothing");
        return response;
    }

    @Test
    void theLocalExampleLimitsPerIpWithHeadersOnEveryResponse() throws Exception {
        try (RateGateway gateway = RateGateway.start(RateGateway.example("local"))) {
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> response = gateway.get("/orders/" + i);
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("5", response.headers().firstValue("RateLimit-Limit").orElseThrow());
                assertEquals(Integer.toString(5 - i), response.headers().firstValue("RateLimit-Remaining")
                        .orElseThrow(), "the ip policy is the closest to its limit");
                long reset = Long.parseLong(response.headers().firstValue("RateLimit-Reset").orElseThrow());
                assertTrue(reset >= 1 && reset <= 10, "reset " + reset);
            }
            HttpResponse<String> refused = assertLimited(gateway, "/orders/6");
            assertTrue(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()) <= 20);
            assertEquals("0", refused.headers().firstValue("RateLimit-Remaining").orElseThrow());
            assertEquals(5, gateway.upstream.count());
            String metrics = gateway.gateway.admin("/metrics").body();
            assertTrue(metrics.contains("gatehouse_rate_limited_total{plugin=\"filter.rate_limit\",policy=\"ip/10s\","
                    + "route=\"orders\"} 1.0\n"), metrics);
        }
    }

    /**
     * 16 client threads for a few seconds: a sliding window lets exactly its limit through, and a token bucket its
     * burst plus its rate over the time, each within ±5 %.
     */
    @Test
    void underSixteenConcurrentClientsTheAllowedCountStaysWithinFivePercent() throws Exception {
        String yaml = RateGateway.UPSTREAM
                + RateGateway.route("window", "rate_limit: { policies: [ { key: global, limit: 600, window: 1h } ] }")
                + RateGateway.route("bucket", "rate_limit: { policies: [ { key: global, algorithm: token_bucket, "
                + "limit: 200, window: 1s, burst: 100 } ] }");
        try (RateGateway gateway = RateGateway.start(yaml)) {
            Hammered window = hammer(gateway, "/window/x", 3_000);
            assertEquals(0, window.other, "only 200 and 429");
            assertTrue(window.refused > 0, "the load exceeded the limit");
            assertTrue(Math.abs(window.allowed - 600) <= 30, "sliding window: " + window.allowed + " of 600");
            assertEquals(window.allowed, gateway.upstream.count(), "the upstream saw exactly the allowed ones");

            Hammered bucket = hammer(gateway, "/bucket/x", 3_000);
            double expected = 100 + 200 * bucket.seconds;
            assertEquals(0, bucket.other, "only 200 and 429");
            assertTrue(bucket.refused > 0, "the load exceeded the limit");
            assertTrue(Math.abs(bucket.allowed - expected) <= expected * 0.05,
                    "token bucket: " + bucket.allowed + " allowed, expected " + expected);
        }
    }

    /** @param seconds from the first request sent to the start of the last one (no thread start-up, no tail) */
    record Hammered(int allowed, int refused, int other, double seconds) {
    }

    /** 16 threads send requests back to back for {@code millis}. */
    static Hammered hammer(RateGateway gateway, String path, long millis) throws Exception {
        AtomicInteger allowed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        HttpRequest request = HttpRequest.newBuilder(gateway.gateway.uri(path)).build();
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        AtomicLong firstSent = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastSent = new AtomicLong();
        try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                clients.add(threads.submit(() -> {
                    for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                        firstSent.accumulateAndGet(now, Math::min);
                        lastSent.accumulateAndGet(now, Math::max);
                        int status = gateway.gateway.client().send(request, HttpResponse.BodyHandlers.ofString())
                                .statusCode();
                        (status == 200 ? allowed : status == 429 ? refused : other).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get();
            }
        }
        Hammered result = new Hammered(allowed.get(), refused.get(), other.get(),
                (lastSent.get() - firstSent.get()) / 1e9);
        System.out.println(path + ": " + result);
        return result;
    }

    @Test
    void aReloadKeepsTheCountersOfAnUnchangedPolicyAndAChangedOneStartsFresh() throws Exception {
        String limited = RateGateway.UPSTREAM
                + RateGateway.route("orders", "rate_limit: { policies: [ { key: ip, limit: 3, window: 1h } ] }");
        try (RateGateway gateway = RateGateway.start(limited)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, gateway.get("/orders/1").statusCode());
            }
            String another = limited + RateGateway.route("other", null);
            assertTrue(gateway.reload(another).problems().isEmpty());
            assertLimited(gateway, "/orders/1");
            assertEquals(200, gateway.get("/other/1").statusCode(), "the reload took effect");

            Gateway.ReloadStatus changed = gateway.reload(another.replace("limit: 3", "limit: 4"));
            assertTrue(changed.problems().isEmpty(), changed.problems().toString());
            HttpResponse<String> fresh = gateway.get("/orders/1");
            assertEquals(200, fresh.statusCode(), "a changed policy starts fresh");
            assertEquals("3", fresh.headers().firstValue("RateLimit-Remaining").orElseThrow());
        }
    }

    /** The "shared" example: one group across two routes, anonymous requests counted under one fallback key. */
    @Test
    void aGroupSharesItsCountersAcrossRoutesAndAConflictingDefinitionIsRefused() throws Exception {
        String shared = RateGateway.example("shared");
        try (RateGateway gateway = RateGateway.start(shared)) {
            assertEquals(200, gateway.get("/orders/1").statusCode());
            assertEquals(200, gateway.get("/invoices/1").statusCode());
            HttpResponse<String> third = gateway.get("/orders/2");
            assertEquals("0", third.headers().firstValue("RateLimit-Remaining").orElseThrow(),
                    "no consumer is not no limit: both anonymous requests before counted");
            assertLimited(gateway, "/invoices/2");

            String unchangedGroup = shared + RateGateway.route("health", null);
            assertTrue(gateway.reload(unchangedGroup).problems().isEmpty());
            assertLimited(gateway, "/orders/3");

            // the second route writes the group out itself instead of naming the anchor, with another limit
            assertTrue(shared.contains("*per-consumer"), "the example names its anchored policy");
            String conflicting = shared.replace("*per-consumer",
                    "{ group: per-consumer, key: consumer, limit: 5, window: 10s }");
            Gateway.ReloadStatus refused = gateway.reload(conflicting);
            assertTrue(refused.problems().stream().anyMatch(p -> p.message().contains("group 'per-consumer'")
                    && p.message().contains("limit 3 vs 5")), refused.problems().toString());
            assertLimited(gateway, "/invoices/3");
            assertEquals(200, gateway.get("/health/1").statusCode(), "the running config keeps serving");

            Gateway.ReloadStatus redefined = gateway.reload(shared.replace("limit: 3", "limit: 4"));
            assertTrue(redefined.problems().isEmpty(), redefined.problems().toString());
            assertEquals("3", gateway.get("/orders/4").headers().firstValue("RateLimit-Remaining").orElseThrow(),
                    "a group whose definition changed starts fresh");
            assertEquals("2", gateway.get("/invoices/4").headers().firstValue("RateLimit-Remaining").orElseThrow());
        }
    }
}
