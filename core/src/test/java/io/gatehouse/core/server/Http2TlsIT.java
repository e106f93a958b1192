package io.gatehouse.core.server;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import io.gatehouse.core.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * h2 through ALPN on the listener's own TLS ({@code server.tls}, a certificate of a CA made here): a client that
 * offers h2 gets HTTP/2, one that offers only http/1.1 gets HTTP/1.1, both served by the same chain, and several
 * streams share one TLS connection.
 */
class Http2TlsIT {

    private static RawUpstream upstream;
    private static GatewayFixture gateway;
    private static SSLContext clientTls;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("h2tls");
        TestPki pki = TestPki.create(home.resolve("conf/tls"), "h2-ca");
        pki.issue("server", "localhost", "DNS:localhost", "IP:127.0.0.1");
        clientTls = pki.clientContext();
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("echo " + request.requestLine()));
        gateway = GatewayFixture.start(home, """
                server:
                  host: 127.0.0.1
                  port: 0
                  tls: { certificates: [ { cert: conf/tls/server.pem, key: conf/tls/server.key } ] }
                upstreams:
                  raw:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                routes:
                  - { id: up, match: { path: /up/*rest }, upstream: raw }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** What the client offers in ALPN, and the protocol it must get. */
    record Case(String desc, HttpClient.Version offered, String path) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> cases() {
        return List.of(new Case("a client that offers h2 gets HTTP/2", HttpClient.Version.HTTP_2, "/up/alpn-h2"),
                new Case("a client that offers only http/1.1 gets HTTP/1.1", HttpClient.Version.HTTP_1_1,
                        "/up/alpn-h1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void alpnPicksTheProtocolAndTheSameChainServesIt(Case c) throws Exception {
        try (HttpClient client = client(c.offered())) {
            HttpResponse<String> response = client.send(request(c.path()), HttpResponse.BodyHandlers.ofString());
            assertEquals(c.offered(), response.version());
            assertEquals(200, response.statusCode());
            assertEquals("echo GET " + c.path() + " HTTP/1.1", response.body());
        }
        assertEquals("https", upstreamHeader(c.path(), "X-Forwarded-Proto"));
    }

    /** The JDK client keeps one HTTP/2 connection per origin: concurrent requests are streams on it. */
    @Test
    void concurrentRequestsAreStreamsOfOneTlsConnection() throws Exception {
        try (HttpClient client = client(HttpClient.Version.HTTP_2)) {
            List<CompletableFuture<HttpResponse<String>>> responses = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                responses.add(client.sendAsync(request("/up/stream-" + i), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < 8; i++) {
                HttpResponse<String> response = responses.get(i).join();
                assertEquals(HttpClient.Version.HTTP_2, response.version());
                assertEquals("echo GET /up/stream-" + i + " HTTP/1.1", response.body(), "each stream its own answer");
            }
        }
    }

    private static HttpClient client(HttpClient.Version version) {
        return HttpClient.newBuilder().version(version).sslContext(clientTls).build();
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.gateway().port() + path)).build();
    }

    private static String upstreamHeader(String path, String name) {
        return upstream.received().stream().filter(r -> r.requestLine().startsWith("GET " + path + " "))
                .findFirst().orElseThrow().header(name);
    }
}
