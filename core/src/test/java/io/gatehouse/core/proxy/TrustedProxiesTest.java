package io.gatehouse.core.proxy;

import io.gatehouse.core.testing.RecordingResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whether an address is a trusted proxy is decided from IP literals only: a value a client sent (an
 * {@code X-Forwarded-For} hop) that is not one is simply not trusted, and is never looked up as a name, which would
 * put a DNS query, and its latency, on the request path at a client's choosing.
 */
class TrustedProxiesTest {

    private static final TrustedProxies TRUSTED = TrustedProxies.of(List.of("10.0.0.0/8", "2001:db8::/32",
            "127.0.0.1", "192.168.1.0/25"));

    /**
     * @param address what a peer or a forwarding header says
     * @param trusted whether it is a trusted proxy
     */
    record Case(String address, boolean trusted) {
        @Override
        public String toString() {
            return address.isEmpty() ? "(empty)" : address;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("10.1.2.3", true),
                new Case("11.0.0.1", false),
                new Case("127.0.0.1", true),
                new Case("192.168.1.127", true),
                new Case("192.168.1.128", false),
                new Case("2001:db8::1", true),
                new Case("[2001:db8::1]", true),
                new Case("2001:DB8:0:0:0:0:0:1", true),
                new Case("2001:db9::1", false),
                new Case("::ffff:10.0.0.1", true),
                new Case("::ffff:0a00:0001", true),
                new Case("::1", false),
                new Case("::", false),
                new Case("fe80::1%eth0", false),
                new Case("2001:db8::10.0.0.1", true),
                // not IP literals: never trusted, never resolved
                new Case("999.1.1.1", false),
                new Case("1.2.3.4.5", false),
                new Case("1.2.3", false),
                new Case("01.2.3.4", false),
                new Case("10.0.0.1:8080", false),
                new Case("g::1", false),
                new Case("zz:10.0.0.1", false),
                new Case("2001:db8::1::2", false),
                new Case("1:2:3:4:5:6:7:8:9", false),
                new Case("12345::1", false),
                new Case("\uff11\uff10.0.0.1", false),
                new Case("2001:db8::\uff11", false),
                new Case("[10.0.0.1]", false),
                new Case("localhost", false),
                new Case("gatehouse.invalid", false),
                new Case("unknown", false),
                new Case("", false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void trustsIpLiteralsInItsBlocksAndResolvesNothing(Case c) {
        assertEquals(c.trusted(), TRUSTED.trusts(c.address()));
        assertFalse(RecordingResolver.lookedUp().contains(c.address()), "looked up as a name");
    }

    @Test
    void theRecorderSeesLookups() throws Exception {
        InetAddress.getByName("localhost");
        assertTrue(RecordingResolver.lookedUp().contains("localhost"), "else the test above proves nothing");
    }

    @Test
    void aNameInTheConfigIsRefusedNotResolved() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.of(List.of("proxy.example.com")));
        assertEquals("'proxy.example.com' is not an IP address or CIDR block", e.getMessage());
        assertFalse(RecordingResolver.lookedUp().contains("proxy.example.com"));
    }
}
