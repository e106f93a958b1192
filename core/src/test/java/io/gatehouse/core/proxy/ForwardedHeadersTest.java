package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ForwardedHeadersTest {

    private static final TrustedProxies TRUSTED = TrustedProxies.of(List.of("10.0.0.0/8", "::1"));

    record Case(String desc, String peer, Headers incoming, String clientIp, String xff, String proto, String xfh,
                String forwarded) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("untrusted peer: client values replaced", "203.0.113.9",
                        Headers.of("X-Forwarded-For", "6.6.6.6", "X-Forwarded-Proto", "https",
                                "Forwarded", "for=6.6.6.6"),
                        "203.0.113.9", "203.0.113.9", "http", "api.example.com",
                        "for=203.0.113.9;host=api.example.com;proto=http"),
                new Case("trusted peer: appended and kept", "10.1.2.3",
                        Headers.of("X-Forwarded-For", "198.51.100.7", "X-Forwarded-Proto", "https",
                                "X-Forwarded-Host", "front.example.com", "Forwarded", "for=198.51.100.7"),
                        "198.51.100.7", "198.51.100.7, 10.1.2.3", "https", "front.example.com",
                        "for=198.51.100.7, for=10.1.2.3;host=api.example.com;proto=http"),
                new Case("trusted chain: rightmost untrusted hop is the client", "10.1.2.3",
                        Headers.of("X-Forwarded-For", "198.51.100.7, 10.9.9.9"),
                        "198.51.100.7", "198.51.100.7, 10.9.9.9, 10.1.2.3", "http", "api.example.com",
                        "for=10.1.2.3;host=api.example.com;proto=http"),
                new Case("trusted peer with garbage XFF: the peer is the client", "10.1.2.3",
                        Headers.of("X-Forwarded-For", "not-an-ip"),
                        "10.1.2.3", "not-an-ip, 10.1.2.3", "http", "api.example.com",
                        "for=10.1.2.3;host=api.example.com;proto=http"),
                new Case("IPv6 peer is bracketed and quoted in Forwarded", "2001:db8::1", new Headers(),
                        "2001:db8::1", "2001:db8::1", "http", "api.example.com",
                        "for=\"[2001:db8::1]\";host=api.example.com;proto=http"),
                new Case("untrusted peer: a forged X-Real-IP is not the client", "203.0.113.9",
                        Headers.of("X-Real-IP", "6.6.6.6", "x-real-ip", "7.7.7.7"),
                        "203.0.113.9", "203.0.113.9", "http", "api.example.com",
                        "for=203.0.113.9;host=api.example.com;proto=http"),
                new Case("trusted peer: X-Real-IP comes from X-Forwarded-For, not from the one sent", "10.1.2.3",
                        Headers.of("X-Real-IP", "6.6.6.6", "X-Forwarded-For", "198.51.100.7"),
                        "198.51.100.7", "198.51.100.7, 10.1.2.3", "http", "api.example.com",
                        "for=10.1.2.3;host=api.example.com;proto=http"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardingHeaders(Case c) {
        assertEquals(c.clientIp(), ForwardedHeaders.clientIp(c.peer(), c.incoming(), TRUSTED));
        ForwardedHeaders headers = ForwardedHeaders.of(c.incoming(), c.peer(), "http", "api.example.com", TRUSTED);
        assertEquals(c.xff(), headers.forwardedFor());
        assertEquals(c.proto(), headers.forwardedProto());
        assertEquals(c.xfh(), headers.forwardedHost());
        assertEquals(c.forwarded(), headers.forwarded());
        assertEquals(c.clientIp(), headers.realIp(), "X-Real-IP is the client address");
    }

    record Name(String name, boolean forwarding) {
    }

    static Stream<Name> names() {
        return Stream.of(
                new Name("X-Forwarded-For", true),
                new Name("x-forwarded-proto", true),
                new Name("X-FORWARDED-HOST", true),
                new Name("forwarded", true),
                new Name("X-Real-IP", true),
                new Name("x-real-ip", true),
                new Name("X-REAL-IP", true),
                new Name("X-Real-IPs", false),
                new Name("X-Forwarded-Port", false),
                new Name("X-Client-IP", false));
    }

    /** The proxy never copies these from the client: it writes its own. */
    @ParameterizedTest
    @MethodSource("names")
    void forwardingHeaderNames(Name c) {
        assertEquals(c.forwarding(), ForwardedHeaders.isForwardingHeader(c.name()), c.name());
    }
}
