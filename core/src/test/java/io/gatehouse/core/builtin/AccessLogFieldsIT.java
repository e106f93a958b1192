package io.gatehouse.core.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log's trace fields, bytes in, attempts, its field list and its rotation by size. */
class AccessLogFieldsIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLineCarriesTheTraceIdTheUpstreamGotBytesInAndAttempts() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"));
             GatewayFixture gateway = gatewayTo(upstream, """
                     - request_id
                     - access_log: { file: logs/access.log }
                     """)) {
            HttpResponse<String> response = gateway.client().send(java.net.http.HttpRequest.newBuilder(
                            gateway.uri("/app")).header("X-Request-Id", "log-trace-1")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("hello world")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            gateway.send("GET", "/nowhere", "X-Request-Id", "log-trace-404");
            String traceparent = upstream.received().getFirst().header("traceparent");
            JsonNode line = awaitLine(gateway.home().resolve("logs/access.log"), "log-trace-1");
            assertEquals(traceparent.substring(3, 35), line.get("trace_id").asText());
            assertTrue(line.get("span_id").asText().matches("[0-9a-f]{16}"), line.toString());
            assertEquals(11, line.get("bytes_in").asLong());
            assertEquals(2, line.get("bytes").asLong());
            assertEquals(1, line.get("attempts").asInt());
            JsonNode notFound = awaitLine(gateway.home().resolve("logs/access.log"), "log-trace-404");
            assertEquals(0, notFound.get("attempts").asInt());
            assertEquals(0, notFound.get("bytes_in").asLong());
            assertEquals(JSON.readTree(gateway.send("GET", "/nowhere").body()).get("trace_id").asText().length(),
                    notFound.get("trace_id").asText().length());
        }
    }

    @Test
    void onlyTheListedFieldsAreWritten() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"));
             GatewayFixture gateway = gatewayTo(upstream, """
                     - access_log: { file: logs/access.log, fields: [status, request_id, trace_id] }
                     """)) {
            gateway.send("GET", "/app", "X-Request-Id", "fields-1");
            JsonNode line = awaitLine(gateway.home().resolve("logs/access.log"), "fields-1");
            Set<String> keys = new TreeSet<>();
            line.fieldNames().forEachRemaining(keys::add);
            assertEquals(Set.of("request_id", "trace_id", "status"), keys);
            List<String> order = new ArrayList<>();
            line.fieldNames().forEachRemaining(order::add);
            assertEquals(List.of("request_id", "trace_id", "status"), order, "the log's own order");
        }
    }

    @Test
    void theFileIsRotatedBySizeKeepingMaxFiles() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"));
             GatewayFixture gateway = gatewayTo(upstream, """
                     - access_log: { file: logs/access.log, max_size: 1KiB, max_files: 2 }
                     """)) {
            for (int i = 0; i < 40; i++) {
                gateway.send("GET", "/app", "X-Request-Id", "rotate-" + i);
            }
            Path log = gateway.home().resolve("logs/access.log");
            awaitLine(log, "rotate-39");
            assertTrue(Files.exists(log.resolveSibling("access.log.1")));
            assertTrue(Files.exists(log.resolveSibling("access.log.2")));
            assertFalse(Files.exists(log.resolveSibling("access.log.3")), "max_files: 2");
            for (String name : List.of("access.log", "access.log.1", "access.log.2")) {
                Path file = log.resolveSibling(name);
                assertTrue(Files.size(file) <= 1024, name + " is " + Files.size(file) + " bytes");
                for (String text : Files.readAllLines(file)) {
                    assertTrue(JSON.readTree(text).has("request_id"), "whole lines only: " + text);
                }
            }
        }
    }

    @Test
    void theDocumentedExampleIsAValidConfig() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"));
             GatewayFixture gateway = GatewayFixture.start(DocExample.yaml("docs/observability.md",
                     "access-log").replace("http://127.0.0.1:8081", upstream.url()))) {
            gateway.send("GET", "/orders/1", "X-Request-Id", "doc-1");
            JsonNode line = awaitLine(gateway.home().resolve("logs/access.log"), "doc-1");
            assertEquals("orders", line.get("route").asText());
            assertFalse(line.has("client_ip"), "not listed");
        }
    }

    @Test
    void anUnknownFieldIsAConfigErrorWithItsPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayFixture.start("""
                global_filters:
                  - request_id
                  - access_log: { fields: [status, nope, trace_id], max_files: -1 }
                """).close());
        List<String> problems = e.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("global_filters[1].access_log.fields[1]")
                && p.contains("unknown field 'nope'") && p.contains("trace_id")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("max_files")), problems.toString());
    }

    @Test
    void badTracingSettingsAreConfigErrorsWithTheirPaths() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayFixture.start("""
                tracing:
                  sample_ratio: 1.5
                  otlp: { endpoint: "ftp://collector/v1/traces", timeout: 0s, headers: { "Bad Name": x } }
                """).close());
        List<String> paths = e.problems().stream().map(Problem::path).toList();
        assertTrue(paths.containsAll(List.of("tracing.sample_ratio", "tracing.otlp.endpoint",
                "tracing.otlp.timeout", "tracing.otlp.headers.Bad Name")), e.problems().toString());
        ConfigException missing = assertThrows(ConfigException.class, () -> GatewayFixture.start("""
                tracing: { otlp: { timeout: 1s }, samples: 3 }
                """).close());
        List<String> missingPaths = missing.problems().stream().map(Problem::path).toList();
        assertTrue(missingPaths.containsAll(List.of("tracing.samples", "tracing.otlp.endpoint")),
                missing.problems().toString());
    }

    /** A gateway with one route, {@code /app}, to {@code upstream}, and these global filters (YAML list items). */
    static GatewayFixture gatewayTo(RawUpstream upstream, String globalFilters) throws Exception {
        return GatewayFixture.start("""
                upstreams:
                  app: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: app, match: { path: /app }, upstream: app }
                global_filters:
                %s""".formatted(upstream.url(), globalFilters.indent(2)));
    }

    static JsonNode awaitLine(Path log, String requestId) throws Exception {
        return AccessLogAndRequestIdIT.awaitLine(log, requestId);
    }
}
