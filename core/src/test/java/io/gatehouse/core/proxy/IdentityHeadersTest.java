package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;
import io.gatehouse.core.config.ServerConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IdentityHeadersTest {

    private static final TrustedProxies TRUSTED = TrustedProxies.of(List.of("10.0.0.0/8", "::1"));
    private static final List<String> DEFAULTS = ServerConfig.DEFAULT_IDENTITY_HEADERS;
    private static final String UNTRUSTED = "203.0.113.9";

    /** {@code left}: the header lines that remain, in order, as "Name: value". */
    record Case(String desc, List<String> configured, String peer, Headers incoming, List<String> left) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("untrusted: a forged X-Real-IP is removed, other headers stay", DEFAULTS, UNTRUSTED,
                        Headers.of("Accept", "*/*", "X-Real-IP", "6.6.6.6", "X-Custom", "kept"),
                        List.of("Accept: */*", "X-Custom: kept")),
                new Case("untrusted: any case of the name", DEFAULTS, UNTRUSTED,
                        Headers.of("x-real-ip", "1.1.1.1", "TRUE-CLIENT-IP", "2.2.2.2",
                                "Cf-Connecting-Ip", "3.3.3.3", "x-FORWARDED-port", "443"),
                        List.of()),
                new Case("untrusted: every occurrence of a repeated header", DEFAULTS, UNTRUSTED,
                        Headers.of("X-Client-IP", "1.1.1.1", "x-client-ip", "2.2.2.2", "X-CLIENT-IP", "3.3.3.3",
                                "Accept", "*/*"),
                        List.of("Accept: */*")),
                new Case("untrusted: every default name", DEFAULTS, UNTRUSTED,
                        Headers.of("X-Real-IP", "a", "X-Forwarded-Port", "b", "X-Forwarded-Prefix", "/c",
                                "True-Client-IP", "d", "CF-Connecting-IP", "e", "X-Client-IP", "f",
                                "X-Cluster-Client-IP", "g", "Fastly-Client-IP", "h", "X-Original-Forwarded-For", "i",
                                "Host", "api.example.com"),
                        List.of("Host: api.example.com")),
                new Case("untrusted: X-Forwarded-For is ForwardedHeaders' business, not removed here", DEFAULTS,
                        UNTRUSTED, Headers.of("X-Forwarded-For", "6.6.6.6"), List.of("X-Forwarded-For: 6.6.6.6")),
                new Case("a peer that is not an IP literal is not trusted", DEFAULTS, "not-an-ip",
                        Headers.of("X-Real-IP", "6.6.6.6"), List.of()),
                new Case("trusted IPv4 proxy: kept as sent, repeats and case included", DEFAULTS, "10.1.2.3",
                        Headers.of("X-Real-IP", "198.51.100.7", "x-forwarded-port", "443",
                                "X-Client-IP", "1.1.1.1", "x-client-ip", "2.2.2.2"),
                        List.of("X-Real-IP: 198.51.100.7", "x-forwarded-port: 443", "X-Client-IP: 1.1.1.1",
                                "X-Client-IP: 2.2.2.2")),
                new Case("trusted IPv6 proxy: kept as sent", DEFAULTS, "::1",
                        Headers.of("True-Client-IP", "198.51.100.7"), List.of("True-Client-IP: 198.51.100.7")),
                new Case("a configured list replaces the default; its case does not matter", List.of("x-user-ip"),
                        UNTRUSTED, Headers.of("X-User-IP", "6.6.6.6", "X-Real-IP", "7.7.7.7"),
                        List.of("X-Real-IP: 7.7.7.7")),
                new Case("an empty list removes nothing", List.of(), UNTRUSTED,
                        Headers.of("X-Real-IP", "6.6.6.6"), List.of("X-Real-IP: 6.6.6.6")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void removesIdentityHeadersUnlessThePeerIsTrusted(Case c) {
        Headers headers = c.incoming().copy();
        IdentityHeaders.of(c.configured(), TRUSTED).removeUnlessTrusted(headers, c.peer());
        assertEquals(c.left(), lines(headers), c.desc());
    }

    private static List<String> lines(Headers headers) {
        List<String> lines = new ArrayList<>();
        headers.forEach((name, value) -> lines.add(name + ": " + value));
        return lines;
    }
}
