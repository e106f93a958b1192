package io.gatehouse.core.server;

import io.gatehouse.core.Gateway;
import io.gatehouse.core.config.ServerConfig;
import io.gatehouse.core.generation.GenerationHolder;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * h2 through ALPN. The listener has no TLS of its own yet (that is {@code server.tls}), so this test puts the
 * gateway's own listener pieces — {@link Listener}, {@link Http2Listener} and its streams — on a Helidon server
 * with TLS from a certificate made here by {@code keytool}, over the running gateway's generations. A client that
 * offers h2 gets HTTP/2, one that offers only http/1.1 gets HTTP/1.1, both served by the same chain.
 */
class Http2TlsIT {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static RawUpstream upstream;
    private static GatewayFixture gateway;
    private static WebServer tlsServer;
    private static SSLContext clientTls;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("echo " + request.requestLine()));
        gateway = GatewayFixture.start("""
                upstreams:
                  raw:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                routes:
                  - { id: up, match: { path: /up/*rest }, upstream: raw }
                """.formatted(upstream.url()));
        Path keystore = Files.createTempDirectory("h2tls").resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit").inheritIO().start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool made a certificate");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trust.getTrustManagers(), null);

        ServerConfig config = new ServerConfig("127.0.0.1", 0, null, null, null, null, null);
        Listener listener = new Listener(config, new ProxyHandler(generations(gateway.gateway()), null), 100);
        Http2Listener http2 = Http2Listener.of(listener, config);
        tlsServer = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .shutdownHook(false)
                .tls(Tls.builder().sslContext(serverTls).build())
                .protocolsDiscoverServices(false)
                .protocols(List.of())
                .addConnectionSelector(http2)
                .routing(routing -> routing.any(http2.streams()))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        if (tlsServer != null) {
            tlsServer.stop();
        }
        gateway.close();
        upstream.close();
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
        HttpResponse<String> response = send(c.offered(), c.path());

        assertEquals(c.offered(), response.version());
        assertEquals(200, response.statusCode());
        assertEquals("echo GET " + c.path() + " HTTP/1.1", response.body());
        assertEquals("https", upstreamHeader(c.path(), "X-Forwarded-Proto"));
    }

    private static HttpResponse<String> send(HttpClient.Version version, String path) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(version).sslContext(clientTls).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsServer.port() + path))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String upstreamHeader(String path, String name) {
        return upstream.received().stream().filter(r -> r.requestLine().startsWith("GET " + path + " "))
                .findFirst().orElseThrow().header(name);
    }

    /** The running gateway's generations: what the listener serves requests with. */
    private static GenerationHolder generations(Gateway gateway) throws ReflectiveOperationException {
        Field field = Gateway.class.getDeclaredField("generations");
        field.setAccessible(true);
        return (GenerationHolder) field.get(gateway);
    }
}
