package io.gatehouse.core.observe.tracing;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spans leave the process over OTLP/HTTP (protobuf) to a real receiver, configured as the docs show; and a
 * collector that never answers costs no request anything.
 */
class OtlpExportIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    /** A minimal OTLP/HTTP trace receiver on loopback: {@code POST /v1/traces} with a protobuf body. */
    static final class OtlpHttpReceiver implements AutoCloseable {
        final HttpServer server;
        final List<ResourceSpans> received = new CopyOnWriteArrayList<>();
        final List<String> contentTypes = new CopyOnWriteArrayList<>();
        final List<String> authorizations = new CopyOnWriteArrayList<>();

        OtlpHttpReceiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/traces", exchange -> {
                try (InputStream body = exchange.getRequestBody()) {
                    if (!exchange.getRequestMethod().equals("POST")) {
                        exchange.sendResponseHeaders(405, -1);
                        return;
                    }
                    contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                    received.addAll(ExportTraceServiceRequest.parseFrom(body.readAllBytes()).getResourceSpansList());
                    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, 0);
                    exchange.getResponseBody().close();
                }
            });
            server.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
        }

        List<Span> spans() {
            return received.stream().flatMap(r -> r.getScopeSpansList().stream())
                    .flatMap((ScopeSpans s) -> s.getSpansList().stream()).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void theDocumentedConfigExportsSpansToAnOtlpHttpReceiver() throws Exception {
        try (OtlpHttpReceiver receiver = new OtlpHttpReceiver();
             RawUpstream orders = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"))) {
            String yaml = DocExample.yaml("docs/observability.md", "tracing-otlp")
                    .replace("http://127.0.0.1:4318/v1/traces", receiver.endpoint())
                    .replace("http://127.0.0.1:8081", orders.url());
            try (GatewayFixture gateway = GatewayFixture.start(yaml)) {
                HttpResponse<String> response = gateway.send("GET", "/orders/7", "X-Request-Id", "otlp-1");
                assertEquals(200, response.statusCode());
                String traceparent = orders.received().getFirst().header("traceparent");
                String traceId = traceparent.substring(3, 35);
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (receiver.spans().stream().noneMatch(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                List<Span> spans = receiver.spans().stream()
                        .filter(s -> HexFormat.of().formatHex(s.getTraceId().toByteArray()).equals(traceId)).toList();
                Span server = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst()
                        .orElseThrow(() -> new AssertionError("no server span arrived: " + receiver.spans()));
                assertEquals("GET orders", server.getName());
                assertEquals("orders", stringAttribute(server.getAttributesList(), "http.route"));
                Span attempt = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).findFirst()
                        .orElseThrow();
                assertEquals(traceparent.substring(36, 52), HexFormat.of().formatHex(attempt.getSpanId()
                        .toByteArray()));
                assertTrue(spans.stream().anyMatch(s -> s.getName().startsWith("request_id [")), names(spans));
                assertEquals("gatehouse", stringAttribute(receiver.received.getFirst().getResource()
                        .getAttributesList(), "service.name"));
                assertEquals("application/x-protobuf", receiver.contentTypes.getFirst());
                assertEquals("Bearer none", receiver.authorizations.getFirst(), "the configured header, "
                        + "${OTLP_TOKEN:none} with OTLP_TOKEN unset");
            }
        }
    }

    @Test
    void aCollectorThatNeverAnswersSlowsNoRequest() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             RawUpstream app = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"))) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never read, never answered
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            try (GatewayFixture gateway = GatewayFixture.start("""
                    tracing:
                      otlp: { endpoint: "http://127.0.0.1:%d/v1/traces", timeout: 60s }
                    upstreams:
                      app: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                    routes:
                      - { id: app, match: { path: /app }, upstream: app }
                    global_filters:
                      - request_id
                    """.formatted(silent.getLocalPort(), app.url()))) {
                // 3 spans a request and a 4096-span queue: well past the queue filling up, while the exporter
                // waits on the first export for up to a minute; each request must still be answered at once
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().port()
                        + "/app")).timeout(Duration.ofSeconds(10)).build();
                for (int i = 0; i < 2000; i++) {
                    assertEquals(200, client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
                }
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (held.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(!held.isEmpty(), "the exporter did connect to the silent collector");
            } finally {
                silent.close();
                acceptor.join(5000);
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    static String stringAttribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(kv -> kv.getValue().getStringValue())
                .findFirst().orElse(null);
    }

    static String names(List<Span> spans) {
        return spans.stream().map(Span::getName).toList().toString();
    }
}
