package io.gatehouse.core.tls;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Certificate names against SNI names, and the client certificate as Envoy's X-Forwarded-Client-Cert. */
class TlsNamesTest {

    record Name(String desc, String pattern, String host, boolean matches) {
    }

    static Stream<Name> names() {
        return Stream.of(
                new Name("exact", "api.example.com", "api.example.com", true),
                new Name("another name", "api.example.com", "www.example.com", false),
                new Name("wildcard: one label", "*.example.com", "api.example.com", true),
                new Name("wildcard: not the bare domain", "*.example.com", "example.com", false),
                new Name("wildcard: not two labels", "*.example.com", "a.b.example.com", false),
                new Name("wildcard: not a suffix of a label", "*.example.com", "api.badexample.com", false),
                new Name("wildcard: no empty label", "*.example.com", ".example.com", false));
    }

    @ParameterizedTest
    @MethodSource("names")
    void certificateNamesMatchSniNames(Name c) {
        assertEquals(c.matches, SniKeyManager.matches(c.pattern, c.host), c.desc);
    }

    record Header(String desc, ClientCertificate certificate, String expected) {
    }

    static Stream<Header> headers() {
        return Stream.of(
                new Header("a subject with commas is quoted; URI and DNS names follow",
                        new ClientCertificate("CN=a,O=Example", "a", List.of("URI:spiffe://x/a", "DNS:a.test",
                                "IP:10.0.0.1"), "ab12"),
                        "Hash=ab12;Subject=\"CN=a,O=Example\";URI=spiffe://x/a;DNS=a.test"),
                new Header("a quote in the subject is escaped",
                        new ClientCertificate("CN=say \"hi\"", "say \"hi\"", List.of(), "ff"),
                        "Hash=ff;Subject=\"CN=say \\\"hi\\\"\""),
                new Header("control characters never reach the header",
                        new ClientCertificate("CN=a\r\nX-Evil: 1", "a", List.of(), "00"),
                        "Hash=00;Subject=\"CN=aX-Evil: 1\""));
    }

    @ParameterizedTest
    @MethodSource("headers")
    void forwardedClientCertIsEnvoysFormat(Header c) {
        assertEquals(c.expected, c.certificate.forwardedHeader(), c.desc);
    }
}
