package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Headers;
import io.gatehouse.api.testkit.TestExchange;
import io.grpc.Metadata;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class CallMetadataTest {

    record Case(String header, Duration expected) {
    }

    static List<Case> timeouts() {
        return List.of(new Case("1H", Duration.ofHours(1)), new Case("2M", Duration.ofMinutes(2)),
                new Case("3S", Duration.ofSeconds(3)), new Case("250m", Duration.ofMillis(250)),
                new Case("7u", Duration.ofNanos(7000)), new Case("99999999n", Duration.ofNanos(99_999_999)),
                new Case("123456789S", null), new Case("5", null), new Case("S", null), new Case("-1S", null),
                new Case("1.5S", null), new Case("1s", null), new Case(null, null));
    }

    @ParameterizedTest
    @MethodSource("timeouts")
    void grpcTimeoutIsParsedAndAMalformedOneIgnored(Case c) {
        assertEquals(Optional.ofNullable(c.expected()), CallMetadata.timeout(c.header()));
    }

    @Test
    void requestHeadersBecomeMetadataButNotTheHopsOrTheClientsForwardingClaims() {
        TestExchange exchange = TestExchange.builder().method("POST").path("/gatehouse.test.Echo/Say")
                .header("Host", "api.example.com").header("Content-Type", "application/grpc")
                .header("TE", "trailers").header("grpc-timeout", "1S").header("User-Agent", "grpc-java")
                .header("X-Custom", "a").header("x-custom", "b").header("Authorization", "Bearer x")
                .header("trace-bin", "AQID").header("X-Forwarded-For", "6.6.6.6").header("X!Odd", "x")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .header("grpc-status", "0").header("grpc-previous-rpc-attempts", "3")
                .header("X-Name", "caf\u00e9").header("X-Line", "a\tb")
                .clientIp("10.0.0.7").build();
        Metadata metadata = CallMetadata.request(exchange);
        assertEquals(List.of("a", "b"), all(metadata, "x-custom"));
        assertEquals("Bearer x", first(metadata, "authorization"));
        assertArrayEquals(new byte[]{1, 2, 3}, metadata.get(Metadata.Key.of("trace-bin",
                Metadata.BINARY_BYTE_MARSHALLER)));
        assertEquals(List.of("10.0.0.7"), all(metadata, "x-forwarded-for"));
        assertEquals("10.0.0.7", first(metadata, "x-real-ip"));
        assertEquals("api.example.com", first(metadata, "x-forwarded-host"));
        assertEquals("http", first(metadata, "x-forwarded-proto"));
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", first(metadata, "traceparent"));
        // gRPC's own names are no metadata; values outside printable ASCII would reach the server corrupted
        for (String gone : List.of("host", "content-type", "te", "grpc-timeout", "user-agent", "grpc-status",
                "grpc-previous-rpc-attempts", "x-name", "x-line")) {
            assertFalse(metadata.containsKey(Metadata.Key.of(gone, Metadata.ASCII_STRING_MARSHALLER)), gone);
        }
        assertEquals(8, metadata.keys().size(), metadata.keys().toString());
    }

    @Test
    void responseMetadataBecomesHeadersAndTheStatusIsPercentEncoded() {
        Metadata metadata = new Metadata();
        metadata.put(Metadata.Key.of("x-echo-header", Metadata.ASCII_STRING_MARSHALLER), "h");
        metadata.put(Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[]{1, 2});
        metadata.put(Metadata.Key.of("content-type", Metadata.ASCII_STRING_MARSHALLER), "application/grpc");
        metadata.put(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER), "gzip");
        Headers headers = new Headers();
        CallMetadata.addTo(headers, metadata);
        assertEquals("h", headers.first("x-echo-header").orElseThrow());
        assertEquals("AQI", headers.first("grpc-status-details-bin").orElseThrow());
        assertEquals(2, headers.size(), headers.toString());

        CallMetadata.addStatus(headers, Status.NOT_FOUND.withDescription("no book 50% \"ü\"\n"));
        assertEquals("5", headers.first("grpc-status").orElseThrow());
        assertEquals("no book 50%25 \"%C3%BC\"%0A", headers.first("grpc-message").orElseThrow());
        Headers ok = new Headers();
        CallMetadata.addStatus(ok, Status.OK);
        assertEquals("0", ok.first("grpc-status").orElseThrow());
        assertNull(ok.first("grpc-message").orElse(null));
    }

    @Test
    void methodNamesComeFromTwoSegmentPaths() {
        assertEquals("gatehouse.test.Echo/Say", NativeProxy.methodName("/gatehouse.test.Echo/Say"));
        for (String path : List.of("/", "/Echo", "/Echo/", "//Say", "/a/b/c", "/a")) {
            assertNull(NativeProxy.methodName(path), path);
        }
    }

    private static String first(Metadata metadata, String key) {
        return metadata.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    }

    private static List<String> all(Metadata metadata, String key) {
        List<String> values = new java.util.ArrayList<>();
        metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER)).forEach(values::add);
        return values;
    }
}
