package io.gatehouse.core.observe;

import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real traffic (successes, a 404, an upstream's 5xx, a retry past an unreachable endpoint, a failing and a runaway
 * script, a request body), then {@code GET /metrics} read whole by a strict text-format parser, and the names,
 * labels and values asserted.
 */
class MetricsIT {

    private static final String TOKEN = "metrics-it-7d0c1a9e4b2f6e8a1c3d5f7091b2c4d6";

    private static Backend backend;
    private static GatewayFixture gateway;
    private static String dead;
    private static PrometheusText metrics;

    @BeforeAll
    static void traffic() throws Exception {
        backend = Backend.start(routing -> routing
                .get("/hello", (req, res) -> res.send("hello"))
                .get("/fail", (req, res) -> res.status(500).send("no"))
                .post("/upload", (req, res) -> res.send("got " + req.content().as(String.class).length())));
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = "http://127.0.0.1:" + socket.getLocalPort();
        }
        Path home = Files.createTempDirectory("gatehouse-metrics");
        Files.createDirectories(home.resolve("scripts"));
        Files.writeString(home.resolve("scripts/boom.js"),
                "export function filter(exchange, chain) { throw new Error('boom'); }\n");
        Files.writeString(home.resolve("scripts/spin.js"),
                "export function filter(exchange, chain) { while (true) {} }\n");
        gateway = GatewayFixture.start(home, config());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, gateway.get("/hello").statusCode());
        }
        assertEquals(404, gateway.get("/nowhere").statusCode());
        assertEquals(500, gateway.get("/fail").statusCode());
        for (int i = 0; i < 4; i++) {   // round robin: some meet the dead endpoint first, and are retried
            assertEquals(200, gateway.get("/retry/hello").statusCode());
        }
        assertEquals(500, gateway.get("/boom").statusCode());
        assertEquals(500, gateway.get("/spin").statusCode());
        HttpResponse<String> upload = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("got 1000", upload.body());
        metrics = scrapeWhenCounted(13);
    }

    private static String config() {
        return """
                admin: { port: 0, token: "%s" }
                upstreams:
                  good: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  mixed:
                    discovery: { type: static, endpoints: [ { url: "%s" }, { url: "%s" } ] }
                    health: { passive: { consecutive_failures: 0 } }
                    circuit_breaker: { failure_rate_threshold: 90, minimum_requests: 100 }
                routes:
                  - { id: hello, match: { path: /hello }, upstream: good, filters: [ request_id ] }
                  - { id: fail, match: { path: /fail }, upstream: good }
                  - { id: retry, match: { path: /retry/*rest }, upstream: mixed, strip_prefix: 1 }
                  - { id: boom, match: { path: /boom }, upstream: good, filters: [ script: boom.js ] }
                  - id: spin
                    match: { path: /spin }
                    upstream: good
                    filters: [ { script: { file: spin.js, timeout: 20ms } } ]
                  - { id: upload, match: { path: /upload }, upstream: good }
                global_filters: [ request_id ]
                """.formatted(TOKEN, backend.url(), dead, backend.url());
    }

    /** Scrapes until the completions of {@code requests} exchanges are counted (they complete after the answer). */
    private static PrometheusText scrapeWhenCounted(int requests) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            String text = scrape("text/plain").body();
            Files.writeString(Path.of("target/metrics-scrape.txt"), text);   // an artefact to read after a failure
            PrometheusText parsed = PrometheusText.parse(text);
            double counted = parsed.find("gatehouse_requests_total").stream().mapToDouble(s -> s.value()).sum();
            if (counted >= requests || System.nanoTime() > deadline) {
                return parsed;
            }
            Thread.sleep(20);
        }
    }

    private static HttpResponse<String> scrape(String accept) throws Exception {
        return gateway.client().send(HttpRequest.newBuilder(gateway.adminUri("/metrics"))
                .header("Authorization", "Bearer " + TOKEN).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @AfterAll
    static void stop() throws Exception {
        try (AutoCloseable last = backend; AutoCloseable first = gateway) {
            // closed in reverse order; null ones are skipped
        }
    }

    @Test
    void theTextFormatIsServedBehindTheAdminToken() throws Exception {
        HttpResponse<String> response = scrape("text/plain");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
        PrometheusText.parse(response.body());   // every line parses

        HttpResponse<String> noToken = gateway.admin("/metrics");
        assertEquals(401, noToken.statusCode());
        assertFalse(noToken.body().contains("gatehouse_requests_total"));
        HttpResponse<String> wrongToken = gateway.client().send(HttpRequest.newBuilder(gateway.adminUri("/metrics"))
                .header("Authorization", "Bearer " + TOKEN + "x").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrongToken.statusCode());
    }

    @Test
    void openMetricsWhenAskedFor() throws Exception {
        HttpResponse<String> response = scrape("application/openmetrics-text; version=1.0.0");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow()
                .startsWith("application/openmetrics-text"));
        assertTrue(response.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
    }

    @Test
    void requestsByRouteMethodAndStatusClass() {
        assertEquals("counter", metrics.type("gatehouse_requests_total"));
        assertEquals(3, metrics.value("gatehouse_requests_total", "route", "hello", "method", "GET",
                "status_class", "2xx"));
        assertEquals(1, metrics.value("gatehouse_requests_total", "route", "unmatched", "method", "GET",
                "status_class", "4xx"));
        assertEquals(1, metrics.value("gatehouse_requests_total", "route", "fail", "status_class", "5xx"));
        assertEquals(4, metrics.value("gatehouse_requests_total", "route", "retry", "status_class", "2xx"));
        assertEquals(1, metrics.value("gatehouse_requests_total", "route", "boom", "status_class", "5xx"));
        assertEquals(1, metrics.value("gatehouse_requests_total", "route", "upload", "method", "POST",
                "status_class", "2xx"));
        // only label sets that happened: no zero series for every method and class
        assertEquals(1, metrics.find("gatehouse_requests_total", "route", "hello").size());
        for (PrometheusText.Sample sample : metrics.find("gatehouse_requests_total")) {
            assertEquals(List.of("method", "route", "status_class"), List.copyOf(sample.labels().keySet()));
        }
    }

    @Test
    void durationHistogramsHaveTheFixedBuckets() {
        assertEquals("histogram", metrics.type("gatehouse_request_duration_seconds"));
        List<String> bounds = metrics.find("gatehouse_request_duration_seconds_bucket", "route", "hello").stream()
                .map(s -> s.labels().get("le")).toList();
        assertEquals(List.of("0.001", "0.002", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5",
                "5.0", "10.0", "+Inf"), bounds);
        assertEquals(3, metrics.value("gatehouse_request_duration_seconds_count", "route", "hello"));
        assertTrue(metrics.value("gatehouse_request_duration_seconds_sum", "route", "hello") > 0);
    }

    @Test
    void everyFilterIsTimedByName() {
        // the core's consumer_headers step comes first, then the global request_id, then the route's own: the
        // same name twice, so both get their positions
        assertEquals(3, metrics.value("gatehouse_filter_duration_seconds_count", "route", "hello", "filter",
                "consumer_headers"));
        assertEquals(3, metrics.value("gatehouse_filter_duration_seconds_count", "route", "hello", "filter",
                "request_id#1"));
        assertEquals(3, metrics.value("gatehouse_filter_duration_seconds_count", "route", "hello", "filter",
                "request_id#2"));
        assertEquals(4, metrics.value("gatehouse_filter_duration_seconds_count", "route", "retry", "filter",
                "strip_prefix"));
        assertEquals(1, metrics.value("gatehouse_filter_duration_seconds_count", "route", "boom", "filter",
                "script"));
        assertEquals(1, metrics.value("gatehouse_filter_duration_seconds_count", "route", "unmatched", "filter",
                "request_id"));
    }

    @Test
    void upstreamAttemptsByOutcomeWithRetriesVisible() {
        String good = backend.url();
        assertEquals(1, metrics.value("gatehouse_upstream_requests_total", "upstream", "good", "endpoint", good,
                "outcome", "error_status"));
        assertEquals(4, metrics.value("gatehouse_upstream_requests_total", "upstream", "good", "endpoint", good,
                "outcome", "success"));   // 3 hello + 1 upload: the failing scripts answered before the upstream
        double unreachable = metrics.value("gatehouse_upstream_requests_total", "upstream", "mixed", "endpoint",
                dead, "outcome", "unreachable");
        assertTrue(unreachable >= 1, "some requests met the dead endpoint first");
        assertEquals(4, metrics.value("gatehouse_upstream_requests_total", "upstream", "mixed", "endpoint", good,
                "outcome", "success"), "each was retried there");
        assertEquals(unreachable, metrics.value("gatehouse_upstream_duration_seconds_count", "upstream", "mixed",
                "endpoint", dead));
        assertEquals(4, metrics.value("gatehouse_upstream_duration_seconds_count", "upstream", "mixed",
                "endpoint", good));
    }

    @Test
    void endpointHealthAndCircuitState() {
        assertEquals(1, metrics.value("gatehouse_upstream_endpoint_up", "upstream", "good", "endpoint",
                backend.url()));
        assertEquals(1, metrics.value("gatehouse_upstream_endpoint_up", "upstream", "mixed", "endpoint", dead),
                "passive ejection is off for it");
        assertEquals(0, metrics.value("gatehouse_circuit_state", "upstream", "mixed", "endpoint", dead));
        assertTrue(metrics.find("gatehouse_circuit_state", "upstream", "good").isEmpty(), "no breaker there");
    }

    @Test
    void scriptsErrorsAndTimeoutsByScript() {
        assertEquals(1, metrics.value("gatehouse_script_errors_total", "script", "boom.js"));
        assertEquals(1, metrics.value("gatehouse_script_timeouts_total", "script", "spin.js"));
        assertTrue(metrics.find("gatehouse_script_errors_total", "script", "spin.js").isEmpty());
    }

    @Test
    void bytesInAndOutByRoute() {
        assertEquals(15, metrics.value("gatehouse_sent_bytes_total", "route", "hello"));
        assertEquals(1000, metrics.value("gatehouse_received_bytes_total", "route", "upload"));
        assertEquals(0, metrics.value("gatehouse_received_bytes_total", "route", "hello"));
    }

    @Test
    void gatewayWideGauges() {
        assertTrue(metrics.value("gatehouse_open_connections") >= 0);
        assertEquals(0, metrics.value("gatehouse_plugins", "state", "started"), "no plugin JARs in this home");
        assertEquals(0, metrics.value("gatehouse_config_reloads_total", "result", "rejected"));
        assertFalse(metrics.find("jvm_memory_used_bytes").isEmpty());
        assertFalse(metrics.find("jvm_threads_live_threads").isEmpty());
        assertFalse(metrics.find("process_cpu_usage").isEmpty());
        assertFalse(metrics.find("process_uptime_seconds").isEmpty());
    }

    @Test
    void neverARawPathOrClientValueInALabel() {
        Map<String, List<String>> values = metrics.samples().stream().flatMap(s -> s.labels().entrySet().stream())
                .collect(Collectors.groupingBy(Map.Entry::getKey,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        assertFalse(values.getOrDefault("route", List.of()).contains("/nowhere"));
        assertTrue(values.values().stream().flatMap(List::stream).noneMatch(v -> v.contains("/retry/")));
    }
}
