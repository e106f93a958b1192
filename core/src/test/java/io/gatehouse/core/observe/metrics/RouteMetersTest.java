package io.gatehouse.core.observe.metrics;

import io.gatehouse.api.Body;
import io.gatehouse.api.Completion;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.observe.RequestObserver;
import io.gatehouse.core.observe.RequestObserver.AttemptOutcome;
import io.gatehouse.core.upstream.Upstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteMetersTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final Durations durations = new Durations();
    private final EndpointMeters endpoints = new EndpointMeters(registry, durations.upstream());
    private final MeterObservers factory = new MeterObservers(registry, durations, endpoints);

    private static GatewayExchange exchange(String method) {
        Request request = new Request(method, "http", "localhost", "/x", "", new Headers(), Body.empty());
        return new GatewayExchange("id", request, "orders", Map.of(), "127.0.0.1", "127.0.0.1", System.nanoTime());
    }

    private static Completion completion(int status, long bytes) {
        return new Completion(status, bytes, Duration.ofMillis(3), Completion.Outcome.OK, Optional.empty());
    }

    private double requests(String route, String method, String statusClass) {
        var counter = registry.find("gatehouse.requests").tags("route", route, "method", method, "status_class",
                statusClass).counter();
        return counter == null ? 0 : counter.count();
    }

    record Case(String desc, String method, int status, String methodLabel, String statusClass) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a GET answered 200", "GET", 200, "GET", "2xx"),
                new Case("a HEAD redirected", "HEAD", 301, "HEAD", "3xx"),
                new Case("a PATCH refused", "PATCH", 422, "PATCH", "4xx"),
                new Case("a client gone away counts as 4xx", "POST", 499, "POST", "4xx"),
                new Case("an unknown method is other", "PROPFIND", 207, "other", "2xx"),
                new Case("a client-chosen method name is never a label", "X-EVIL-" + "a".repeat(50), 405, "other",
                        "4xx"),
                new Case("an informational answer", "OPTIONS", 101, "OPTIONS", "1xx"),
                new Case("a server error", "DELETE", 503, "DELETE", "5xx"),
                new Case("a status out of range counts as 5xx", "GET", 999, "GET", "5xx"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void methodAndStatusClassLabels(Case c) {
        RequestObserver observer = factory.forChain("orders", List.of());
        observer.completed(exchange(c.method()), completion(c.status(), 0));
        assertEquals(1, requests("orders", c.methodLabel(), c.statusClass()), c.desc());
        assertEquals(1, registry.find("gatehouse.requests").counters().size(), "one series only");
    }

    @Test
    void unroutedRequestsAreLabelledUnmatched() {
        factory.forChain("", List.of("request_id")).completed(exchange("GET"), completion(404, 10));
        assertEquals(1, requests("unmatched", "GET", "4xx"));
    }

    @Test
    void filtersAreTimedByLabelAndPositionWhenANameRepeats() {
        assertEquals(List.of("consumer_headers", "script#1", "jwt", "script#3"),
                MeterObservers.filterLabels(List.of("consumer_headers", "script", "jwt", "script")));
        RequestObserver observer = factory.forChain("orders", List.of("jwt", "script", "script"));
        GatewayExchange exchange = exchange("GET");
        observer.filterDone(exchange, 0, 0, 5_000_000, 1_000_000, false);
        observer.filterDone(exchange, 2, 0, 5_000_000, 2_000_000, true);
        observer.filterDone(exchange, 7, 0, 5_000_000, 2_000_000, true);   // out of range: ignored
        var jwt = durations.filters().find("orders", "jwt");
        assertEquals(1, jwt.count());
        assertEquals(0.001, jwt.sumSeconds(), 1e-12);
        assertEquals(1, durations.filters().find("orders", "script#2").count());
        assertEquals(0, durations.filters().find("orders", "script#1").count());
    }

    @Test
    void bytesAndDuration() {
        RequestObserver observer = factory.forChain("orders", List.of());
        GatewayExchange exchange = exchange("POST");
        observer.completed(exchange, completion(201, 40).withBytesReceived(120));
        assertEquals(120, registry.find("gatehouse.received").tag("route", "orders").counter().count());
        assertEquals(40, registry.find("gatehouse.sent").tag("route", "orders").counter().count());
        assertEquals(0.003, durations.requests().find("orders").sumSeconds(), 1e-12);
    }

    @Test
    void upstreamAttemptsByEndpointAndOutcome() {
        RequestObserver observer = factory.forChain("orders", List.of());
        Upstream upstream = upstream("orders-svc");
        Endpoint endpoint = Endpoint.of("http://10.0.0.1:8080");
        observer.attemptDone(exchange("GET"), upstream, endpoint, 0, 0, 2_000_000, AttemptOutcome.UNREACHABLE);
        observer.attemptDone(exchange("GET"), upstream, endpoint, 1, 0, 1_000_000, AttemptOutcome.SUCCESS);
        assertEquals(1, registry.find("gatehouse.upstream.requests").tags("upstream", "orders-svc", "endpoint",
                "http://10.0.0.1:8080", "outcome", "unreachable").counter().count());
        assertEquals(2, durations.upstream().find("orders-svc", "http://10.0.0.1:8080").count());
        // the endpoint is in no generation: the next scrape drops its meters
        endpoints.refresh();
        assertEquals(List.of(), registry.find("gatehouse.upstream.requests").counters().stream().toList());
        assertEquals(null, durations.upstream().find("orders-svc", "http://10.0.0.1:8080"));
    }

    /**
     * The request path allocates nothing of its own, measured: the bytes the thread allocated over many observed
     * exchanges, after a warm-up (the first use of a label set resolves its meter, once). A small allowance covers
     * the JIT's and the measurement's own noise, far below one object per call.
     */
    @Test
    void theRequestPathAllocatesNothingPerRequest() {
        RouteMeters observer = (RouteMeters) new MeterObservers(new io.micrometer.prometheusmetrics
                .PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), durations,
                endpoints)
                .forChain("orders", List.of("jwt", "script", "script"));
        GatewayExchange exchange = exchange("GET");
        Upstream upstream = upstream("orders-svc");
        Endpoint endpoint = Endpoint.of("http://10.0.0.1:8080");
        Completion ok = completion(200, 512);
        Runnable one = () -> {
            observer.filterDone(exchange, 0, 0, 3_000, 1_000, false);
            observer.filterDone(exchange, 1, 0, 3_000, 1_000, false);
            observer.filterDone(exchange, 2, 0, 3_000, 1_000, false);
            observer.attemptDone(exchange, upstream, endpoint, 0, 0, 900_000, AttemptOutcome.SUCCESS);
            observer.completed(exchange, ok);
        };
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)
                ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200_000; i++) {
            one.run();
        }
        int calls = 100_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            one.run();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.println("observed " + calls + " exchanges (3 filters, 1 attempt, completion): " + allocated
                + " bytes allocated");
        assertTrue(allocated < calls, "allocated " + allocated + " bytes over " + calls
                + " observed exchanges: " + (double) allocated / calls + " per exchange");
    }

    private static Upstream upstream(String name) {
        return new Upstream(name, null, (service, onChange) -> () -> {
        }, null, new io.gatehouse.core.config.UpstreamConfig(new io.gatehouse.core.config.ComponentSpec("static",
                Map.of(), "x"), null, null, null, null, null, false));
    }
}
