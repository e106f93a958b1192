package io.gatehouse.core.observe.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spans and W3C propagation through a real gateway: spans go to the SDK's in-memory exporter, and raw upstreams
 * record the {@code traceparent} they got.
 */
class TracingIT {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_PARENT = "00f067aa0ba902b7";

    private static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();
    private static RawUpstream app;
    private static RawUpstream flakyA;
    private static RawUpstream flakyB;
    private static int deadPort;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        app = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"));
        String unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy";
        flakyA = RawUpstream.start(r -> RawUpstream.Reply.of(unavailable));
        flakyB = RawUpstream.start(r -> RawUpstream.Reply.of(unavailable));
        try (ServerSocket free = new ServerSocket(0)) {
            deadPort = free.getLocalPort();
        }
        gateway = GatewayFixture.start("""
                upstreams:
                  app: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  flaky:
                    discovery: { type: static, endpoints: [ { url: "%s" }, { url: "%s" } ] }
                    retries: 1
                    retry_on_status: [ 503 ]
                    health: { passive: { consecutive_failures: 0 } }
                  dead:
                    discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] }
                    retries: 0
                routes:
                  - { id: app, match: { path: /app/*rest }, upstream: app }
                  - { id: flaky, match: { path: /flaky }, upstream: flaky }
                  - { id: dead, match: { path: /dead }, upstream: dead }
                global_filters:
                  - request_id
                  - access_log: { file: logs/access.log }
                """.formatted(app.url(), flakyA.url(), flakyB.url(), deadPort),
                SimpleSpanProcessor.create(EXPORTER));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        app.close();
        flakyA.close();
        flakyB.close();
    }

    @Test
    void aProxiedRequestHasAServerSpanFilterSpansAndAnAttemptSpanWhoseIdTheUpstreamGot() throws Exception {
        HttpResponse<String> response = gateway.send("GET", "/app/items?secret=1", "X-Request-Id", "plain-1");
        assertEquals(200, response.statusCode());
        RawUpstream.Received received = receivedBy(app, "plain-1");
        String traceparent = received.header("traceparent");
        assertNotNull(traceparent, "the upstream got a traceparent");
        String traceId = traceparent.substring(3, 35);
        List<SpanData> spans = awaitTrace(traceId);

        SpanData server = only(spans, SpanKind.SERVER);
        assertEquals("GET app", server.getName());
        assertEquals("GET", attr(server, "http.request.method"));
        assertEquals("/app/items", attr(server, "url.path"), "the normalised path, no query");
        assertEquals("app", attr(server, "http.route"));
        assertEquals(200L, server.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertEquals("127.0.0.1", attr(server, "client.address"));
        assertEquals("plain-1", attr(server, "gatehouse.request_id"));
        assertFalse(server.getParentSpanContext().isValid(), "a new trace: the server span is the root");
        assertEquals(StatusCode.UNSET, server.getStatus().getStatusCode());

        List<SpanData> filters = spans.stream().filter(s -> s.getKind() == SpanKind.INTERNAL)
                .sorted(Comparator.comparingLong(s -> s.getAttributes().get(AttributeKey.longKey(
                        "gatehouse.filter.index")))).toList();
        // the core's own stage (consumer header removal) first, then the global filters in config order
        assertEquals(List.of("consumer_headers [0]", "request_id [1]", "access_log [2]"),
                filters.stream().map(SpanData::getName).toList());
        assertEquals(2L, filters.get(2).getAttributes().get(AttributeKey.longKey("gatehouse.filter.index")));
        assertEquals(server.getSpanId(), filters.get(0).getParentSpanId());
        for (int i = 1; i < filters.size(); i++) {
            assertEquals(filters.get(i - 1).getSpanId(), filters.get(i).getParentSpanId(), "nested as the chain");
            assertTrue(filters.get(i).getStartEpochNanos() >= filters.get(i - 1).getStartEpochNanos());
            assertTrue(filters.get(i).getEndEpochNanos() <= filters.get(i - 1).getEndEpochNanos());
        }

        SpanData attempt = only(spans, SpanKind.CLIENT);
        assertEquals(filters.getLast().getSpanId(), attempt.getParentSpanId(), "under the innermost filter");
        assertEquals("127.0.0.1", attr(attempt, "server.address"));
        assertEquals((long) app.port(), attempt.getAttributes().get(AttributeKey.longKey("server.port")));
        assertNull(attempt.getAttributes().get(AttributeKey.longKey("http.request.resend_count")));
        assertEquals("success", attr(attempt, "gatehouse.outcome"));
        assertEquals("00-" + server.getTraceId() + "-" + attempt.getSpanId() + "-01", traceparent);
        assertNull(received.header("tracestate"), "no tracestate was sent, none is made up");
    }

    @Test
    void aClientsTraceIsContinuedWithItsTracestate() throws Exception {
        HttpResponse<String> response = gateway.send("GET", "/app/continued", "X-Request-Id", "continued-1",
                "traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_PARENT + "-01", "tracestate", "congo=t61rcWkgMzE");
        assertEquals(200, response.statusCode());
        RawUpstream.Received received = receivedBy(app, "continued-1");
        assertTrue(received.header("traceparent").startsWith("00-" + CLIENT_TRACE + "-"));
        assertTrue(received.header("traceparent").endsWith("-01"));
        assertEquals("congo=t61rcWkgMzE", received.header("tracestate"));
        SpanData server = only(awaitTrace(CLIENT_TRACE), SpanKind.SERVER);
        assertEquals(CLIENT_PARENT, server.getParentSpanId());
        assertTrue(server.getParentSpanContext().isRemote());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "garbage"})
    void aMalformedTraceparentStartsANewTraceAndNeverReachesTheUpstream(String malformed) throws Exception {
        String id = "malformed-" + Integer.toHexString(malformed.hashCode());
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawClient.RawResponse response = client.send("GET /app/m HTTP/1.1\r\nHost: gw\r\nX-Request-Id: " + id
                    + "\r\ntraceparent: " + malformed + "\r\ntracestate: vendor=1\r\n\r\n").read();
            assertEquals(200, response.status(), "never refused");
        }
        RawUpstream.Received received = receivedBy(app, id);
        List<String> sent = received.headerLines("traceparent");
        assertEquals(1, sent.size(), sent.toString());
        String traceparent = received.header("traceparent");
        assertNotEquals(malformed, traceparent);
        assertFalse(traceparent.toLowerCase().contains("4bf92f3577b34da6a3ce929d0e0e4736"), traceparent);
        assertTrue(traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), traceparent);
        assertNull(received.header("tracestate"), "the tracestate of a broken traceparent is dropped");
        SpanData server = only(awaitTrace(traceparent.substring(3, 35)), SpanKind.SERVER);
        assertFalse(server.getParentSpanContext().isValid());
    }

    @Test
    void retriesAreTwoAttemptSpansEachTheParentOfWhatItsUpstreamGot() throws Exception {
        HttpResponse<String> response = gateway.send("GET", "/flaky", "X-Request-Id", "retry-1");
        assertEquals(503, response.statusCode());
        RawUpstream.Received first = receivedBy(flakyA, flakyB, "retry-1", 0);
        RawUpstream.Received second = receivedBy(flakyA, flakyB, "retry-1", 1);
        String traceId = first.header("traceparent").substring(3, 35);
        assertEquals(traceId, second.header("traceparent").substring(3, 35));
        List<SpanData> attempts = awaitTrace(traceId).stream().filter(s -> s.getKind() == SpanKind.CLIENT)
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        assertEquals(2, attempts.size(), names(attempts));
        assertNull(attempts.get(0).getAttributes().get(AttributeKey.longKey("http.request.resend_count")));
        assertEquals(1L, attempts.get(1).getAttributes().get(AttributeKey.longKey("http.request.resend_count")));
        assertEquals(StatusCode.ERROR, attempts.get(0).getStatus().getStatusCode());
        assertEquals("error_status", attr(attempts.get(0), "gatehouse.outcome"));
        java.util.Set<String> upstreamParents = java.util.Set.of(first.header("traceparent").substring(36, 52),
                second.header("traceparent").substring(36, 52));
        assertEquals(java.util.Set.of(attempts.get(0).getSpanId(), attempts.get(1).getSpanId()), upstreamParents);
        SpanData server = only(awaitTrace(traceId), SpanKind.SERVER);
        assertEquals(2L, server.getAttributes().get(AttributeKey.longKey("gatehouse.attempts")));
    }

    @Test
    void a404ProblemCarriesTheTraceIdOfTheClientsTrace() throws Exception {
        HttpResponse<String> response = gateway.send("GET", "/nowhere", "traceparent",
                "00-" + CLIENT_TRACE + "-" + CLIENT_PARENT + "-00");
        assertEquals(404, response.statusCode());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals("route_not_found", problem.get("code").asText());
        assertEquals(CLIENT_TRACE, problem.get("trace_id").asText());
    }

    @Test
    void a502ProblemCarriesTheTraceIdOfItsSpans() throws Exception {
        HttpResponse<String> response = gateway.send("GET", "/dead", "X-Request-Id", "dead-1");
        assertEquals(502, response.statusCode());
        JsonNode problem = JSON.readTree(response.body());
        String traceId = problem.get("trace_id").asText();
        assertTrue(traceId.matches("[0-9a-f]{32}"), traceId);
        List<SpanData> spans = awaitTrace(traceId);
        SpanData server = only(spans, SpanKind.SERVER);
        assertEquals("dead-1", attr(server, "gatehouse.request_id"));
        assertEquals(StatusCode.ERROR, server.getStatus().getStatusCode());
        assertEquals("unreachable", attr(only(spans, SpanKind.CLIENT), "gatehouse.outcome"));
    }

    @Test
    void ratioZeroRecordsNoSpansButStillSendsATraceparentNotSampled() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (RawUpstream upstream = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"));
             GatewayFixture sampledOut = GatewayFixture.start("""
                     tracing: { sample_ratio: 0 }
                     upstreams:
                       app: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                     routes:
                       - { id: app, match: { path: /app }, upstream: app }
                     """.formatted(upstream.url()), SimpleSpanProcessor.create(exporter));
             RawClient client = RawClient.connect(sampledOut.uri("/"))) {
            assertEquals(200, client.send("GET /app HTTP/1.1\r\nHost: gw\r\n\r\n").read().status());
            // on the same connection, so the first exchange completed before this one is read: a client's
            // sampled trace is followed, and its spans arrive after any the first request could have made
            assertEquals(200, client.send("GET /app HTTP/1.1\r\nHost: gw\r\ntraceparent: 00-" + CLIENT_TRACE + "-"
                    + CLIENT_PARENT + "-01\r\n\r\n").read().status());
            String unsampled = upstream.received().get(0).header("traceparent");
            assertTrue(unsampled.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"), unsampled);
            awaitTrace(exporter, CLIENT_TRACE);
            assertTrue(exporter.getFinishedSpanItems().stream().allMatch(s -> s.getTraceId().equals(CLIENT_TRACE)),
                    "no span of the unsampled request: " + names(exporter.getFinishedSpanItems()));
        }
    }

    @Test
    void theSampleRatioTakesEffectOnReload() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"))) {
            String config = """
                    tracing: { sample_ratio: %s }
                    upstreams:
                      app: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                    routes:
                      - { id: app, match: { path: /app }, upstream: app }
                    """;
            try (GatewayFixture reloaded = GatewayFixture.start(config.formatted("1.0", upstream.url()))) {
                assertEquals(200, reloaded.send("GET", "/app").statusCode());
                assertTrue(reloaded.reload(config.formatted("0.0", upstream.url())).problems().isEmpty());
                assertEquals(200, reloaded.send("GET", "/app").statusCode());
                List<RawUpstream.Received> received = upstream.received();
                assertTrue(received.get(0).header("traceparent").endsWith("-01"));
                assertTrue(received.get(1).header("traceparent").endsWith("-00"));
            }
        }
    }

    @Test
    void aScriptFetchIsAClientSpanUnderTheScriptsFilterAndTheParentOfWhatItsUpstreamGot() throws Exception {
        java.nio.file.Path home = java.nio.file.Files.createTempDirectory("gatehouse-test");
        java.nio.file.Files.createDirectories(home.resolve("scripts"));
        java.nio.file.Files.writeString(home.resolve("scripts/aggregate.js"), """
                export async function filter(exchange, chain, config) {
                    const side = await exchange.upstreams.fetch('side', { path: '/side' });
                    const gone = await exchange.upstreams.fetch('dead', { path: '/gone' }).catch(e => e.code);
                    exchange.request.headers.set('x-side', side.status + ' ' + gone);
                    return chain.proceed(exchange);
                }
                """);
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (RawUpstream side = RawUpstream.start(r -> RawUpstream.Reply.ok("side"));
             GatewayFixture scripted = GatewayFixture.start(home, """
                     upstreams:
                       app: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                       side: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                       dead:
                         discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] }
                         retries: 0
                     routes:
                       - { id: agg, match: { path: /agg }, upstream: app, filters: [ { script: aggregate.js } ] }
                     """.formatted(app.url(), side.url(), deadPort), SimpleSpanProcessor.create(exporter))) {
            HttpResponse<String> response = scripted.send("GET", "/agg", "X-Request-Id", "agg-1");
            assertEquals(200, response.statusCode());
            RawUpstream.Received main = receivedBy(app, "agg-1");
            assertEquals("200 upstream_unreachable", main.header("x-side"));
            String traceId = main.header("traceparent").substring(3, 35);
            List<SpanData> spans = awaitTrace(exporter, traceId);
            SpanData script = spans.stream().filter(s -> s.getName().contains("aggregate.js")
                    || s.getName().startsWith("script")).findFirst()
                    .orElseThrow(() -> new AssertionError("no span of the script's filter: " + names(spans)));
            SpanData fetch = spans.stream().filter(s -> s.getName().equals("fetch side")).findFirst()
                    .orElseThrow(() -> new AssertionError(names(spans)));
            assertEquals(SpanKind.CLIENT, fetch.getKind());
            assertEquals(script.getSpanId(), fetch.getParentSpanId(), "under the filter the script ran in");
            assertEquals("/side", attr(fetch, "url.path"));
            assertEquals(200L, fetch.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
            String sideTraceparent = side.received().getFirst().header("traceparent");
            assertEquals("00-" + traceId + "-" + fetch.getSpanId() + "-01", sideTraceparent);
            SpanData failed = spans.stream().filter(s -> s.getName().equals("fetch dead")).findFirst()
                    .orElseThrow(() -> new AssertionError(names(spans)));
            assertEquals("upstream_unreachable", attr(failed, "error.type"));
            assertEquals(StatusCode.ERROR, failed.getStatus().getStatusCode());
        }
    }

    static RawUpstream.Received receivedBy(RawUpstream upstream, String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            for (RawUpstream.Received received : upstream.received()) {
                if (requestId.equals(received.header("x-request-id"))) {
                    return received;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the upstream got no request " + requestId);
    }

    /** The {@code index}th request (in start order of attempts) with that id received by either upstream. */
    static RawUpstream.Received receivedBy(RawUpstream a, RawUpstream b, String requestId, int index) {
        List<RawUpstream.Received> all = new java.util.ArrayList<>();
        for (RawUpstream upstream : List.of(a, b)) {
            upstream.received().stream().filter(r -> requestId.equals(r.header("x-request-id"))).forEach(all::add);
        }
        assertEquals(2, all.size(), "one attempt on each endpoint");
        return all.get(index);
    }

    static List<SpanData> awaitTrace(String traceId) throws InterruptedException {
        return awaitTrace(EXPORTER, traceId);
    }

    /** The spans of a trace, once its server span (the last one built) has arrived. */
    static List<SpanData> awaitTrace(InMemorySpanExporter exporter, String traceId) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            List<SpanData> spans = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList();
            if (spans.stream().anyMatch(s -> s.getKind() == SpanKind.SERVER)) {
                return spans;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no server span of trace " + traceId + " among "
                + names(exporter.getFinishedSpanItems()));
    }

    static SpanData only(List<SpanData> spans, SpanKind kind) {
        List<SpanData> matching = spans.stream().filter(s -> s.getKind() == kind).toList();
        assertEquals(1, matching.size(), kind + " spans: " + names(spans));
        return matching.getFirst();
    }

    static String attr(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    static String names(List<SpanData> spans) {
        return spans.stream().map(s -> s.getKind() + " " + s.getName()).toList().toString();
    }
}
