package io.gatehouse.core.tls;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS on the listener, with certificates made in the test by a CA of its own ({@link TestPki}, openssl): a real
 * JDK {@link HttpClient} and raw {@link SSLSocket}s as clients, a Helidon backend behind the gateway.
 */
class TlsIT {

    @TempDir
    Path home;
    private TestPki pki;
    private Backend backend;
    private GatewayFixture gateway;
    private final AtomicInteger received = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        pki = TestPki.create(home.resolve("conf/tls"), "test-ca");
        backend = Backend.start(routing -> {
            routing.any((req, res) -> {
                received.incrementAndGet();
                res.next();
            });
            EchoRoutes.register(routing);
        });
    }

    @AfterEach
    void tearDown() {
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
    }

    private String listenerExample() throws IOException {
        return DocExample.yaml("docs/tls.md", "listener").replace("host: 0.0.0.0", "host: 127.0.0.1")
                .replace("port: 8443", "port: 0").replace("http://127.0.0.1:8081", backend.url());
    }

    private TestPki.Issued issueApiAndAdmin() throws Exception {
        TestPki.Issued api = pki.issue("api.example.com", "api.example.com", "DNS:api.example.com",
                "DNS:localhost");
        TestPki.Issued admin = pki.issue("admin.example.com", "admin.example.com", "DNS:admin.example.com");
        admin.pkcs12("p12-secret");
        return api;
    }

    private void startListenerExample() throws Exception {
        gateway = GatewayFixture.start(home, listenerExample(), Map.of("ADMIN_P12_PASSWORD", "p12-secret"));
    }

    @Test
    void httpsThroughTheGatewayWithSchemeHttpsAndSniChoosingTheCertificate() throws Exception {
        TestPki.Issued api = issueApiAndAdmin();
        BigInteger admin = TestPki.read(home.resolve("conf/tls/admin.example.com.pem")).getSerialNumber();
        startListenerExample();

        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext())
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + gateway.gateway().port() + "/users/7")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode echo = EchoRoutes.JSON.readTree(response.body());
        assertEquals("/users/7", echo.get("path").asText());
        assertEquals("https", echo.get("headers").get("x-forwarded-proto").get(0).asText(),
                "the upstream learns the client spoke TLS");

        int port = gateway.gateway().port();
        assertEquals(api.serial(), served(port, "api.example.com", pki.clientContext()).getSerialNumber());
        assertEquals(admin, served(port, "admin.example.com", pki.clientContext()).getSerialNumber(),
                "the PKCS#12 certificate for its name");
        assertEquals(api.serial(), served(port, null, pki.clientContext()).getSerialNumber(),
                "no SNI: the first certificate");
        assertEquals(api.serial(), served(port, "unknown.example.org", pki.clientContext()).getSerialNumber(),
                "an unknown name: the first certificate");
    }

    @Test
    void anRsaPkcs1CertificateServesItsNamesBesideAnEcOneAndWildcardsMatch() throws Exception {
        TestPki.Issued ec = pki.issue("ec", "ec.example.com", "DNS:ec.example.com");
        TestPki.Issued rsa = pki.issueRsa("rsa", "rsa.example.com", "DNS:rsa.example.com", "DNS:*.apps.example.com");
        assertTrue(Files.readString(rsa.key()).startsWith("-----BEGIN RSA PRIVATE KEY-----"), "PKCS#1");
        gateway = GatewayFixture.start(home, """
                server:
                  host: 127.0.0.1
                  port: 0
                  tls:
                    certificates:
                      - { cert: conf/tls/ec.pem, key: conf/tls/ec.key }
                      - { cert: conf/tls/rsa.pem, key: conf/tls/rsa.key }
                """);
        int port = gateway.gateway().port();
        assertEquals(rsa.serial(), served(port, "rsa.example.com", pki.clientContext()).getSerialNumber());
        assertEquals(rsa.serial(), served(port, "shop.apps.example.com", pki.clientContext()).getSerialNumber(),
                "a wildcard name");
        assertEquals(ec.serial(), served(port, "a.b.apps.example.com", pki.clientContext()).getSerialNumber(),
                "a wildcard covers one label only: the first certificate");
        assertEquals(ec.serial(), served(port, "ec.example.com", pki.clientContext()).getSerialNumber());
    }

    @Test
    void aRotatedCertificateIsServedWithoutARestartAndABrokenOneKeepsThePrevious() throws Exception {
        TestPki.Issued first = issueApiAndAdmin();
        startListenerExample();
        int port = gateway.gateway().port();
        assertEquals(first.serial(), served(port, "api.example.com", pki.clientContext()).getSerialNumber());

        TestPki.Issued second = pki.issue("renewed", "api.example.com", "DNS:api.example.com", "DNS:localhost");
        // as certbot or a secret volume does: replace the files by renames, the key first
        Path cert = home.resolve("conf/tls/api.example.com.pem");
        Path key = home.resolve("conf/tls/api.example.com.key");
        Files.move(second.key(), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(second.cert(), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        awaitServed(port, second.serial());

        try (LogCapture log = LogCapture.of("io.gatehouse")) {
            Path broken = home.resolve("conf/tls/broken.tmp");
            Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
            Files.move(broken, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (log.containing("cannot be used, still serving the previous").isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no error logged for the broken certificate file");
                Thread.sleep(50);
            }
        }
        assertEquals(second.serial(), served(port, "api.example.com", pki.clientContext()).getSerialNumber(),
                "the last good certificate stays");
        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext()).build();
        assertEquals(200, client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/users/1"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void onlyTheConfiguredProtocolsAreAccepted() throws Exception {
        issueApiAndAdmin();
        gateway = GatewayFixture.start(home, DocExample.yaml("docs/tls.md", "protocols")
                .replace("port: 8443", "host: 127.0.0.1\n  port: 0"));
        int port = gateway.gateway().port();

        SSLSocket tls12 = (SSLSocket) pki.clientContext().getSocketFactory().createSocket("127.0.0.1", port);
        tls12.setSoTimeout(10_000);
        tls12.setEnabledProtocols(new String[] {"TLSv1.2"});
        assertThrows(SSLException.class, tls12::startHandshake, "TLS 1.2 refused when only TLS 1.3 is configured");
        tls12.close();
        SSLSocket tls13 = (SSLSocket) pki.clientContext().getSocketFactory().createSocket("127.0.0.1", port);
        tls13.setSoTimeout(10_000);
        tls13.startHandshake();
        assertEquals("TLSv1.3", tls13.getSession().getProtocol());
        tls13.close();
    }

    @Test
    void aTls11ClientHelloIsRefusedWithAnAlertByDefault() throws Exception {
        issueApiAndAdmin();
        startListenerExample();
        // the JDK's own client will not even offer TLS 1.1, so the hello is written by hand
        try (Socket socket = new Socket("127.0.0.1", gateway.gateway().port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(tls11ClientHello());
            out.flush();
            InputStream in = socket.getInputStream();
            int type = in.read();
            assertTrue(type == -1 || type == 0x15, "an alert record or a closed connection, not a ServerHello (0x16): "
                    + type);
            if (type == 0x15) {
                byte[] rest = in.readNBytes(6);
                assertEquals(2, rest[4], "a fatal alert");
                assertEquals(70, rest[5], "protocol_version");
            }
        }
        assertEquals(0, received.get());
    }

    @Test
    void plainHttpOnTheTlsPortIsClosedWithoutAnAnswerOrAHang() throws Exception {
        issueApiAndAdmin();
        startListenerExample();
        try (RawClient raw = RawClient.connect(gateway.gateway().port())) {
            String answer = raw.send("GET /users/1 HTTP/1.1\r\nHost: localhost\r\n\r\n").readUntilClose();
            assertFalse(answer.contains("HTTP/1.1"), "no HTTP answer in cleartext: " + answer);
        }
        assertEquals(0, received.get());
        // the listener still serves TLS clients
        assertEquals(BigInteger.class, served(gateway.gateway().port(), "api.example.com", pki.clientContext())
                .getSerialNumber().getClass());
    }

    @Test
    void aConnectionThatNeverStartsTheHandshakeIsClosedAfterTheHeadTimeout() throws Exception {
        issueApiAndAdmin();
        gateway = GatewayFixture.start(home, listenerExample().replace("  tls:\n",
                "  timeouts: { request_head: 2s }\n  tls:\n"), Map.of("ADMIN_P12_PASSWORD", "p12-secret"));
        try (RawClient silent = RawClient.connect(gateway.gateway().port())) {
            // at most a TLS alert, then the end of the stream; a read timeout (10 s) fails the test
            String answer = silent.readUntilClose();
            assertTrue(answer.isEmpty() || answer.charAt(0) == 0x15, "an alert record at most: " + answer);
        }
    }

    @Test
    void mtlsRequiresAClientCertificateAndHandsItsIdentityToFiltersAndTheUpstream() throws Exception {
        pki.issue("gateway", "gateway", "DNS:localhost");
        TestPki clients = TestPki.create(home.resolve("conf/tls"), "clients-ca");
        TestPki.Issued clientA = clients.issue("client-a", "client-a", "URI:spiffe://test/client-a",
                "DNS:client-a.test");
        TestPki.Issued intruder = pki.issue("intruder", "intruder");
        Files.createDirectories(home.resolve("scripts"));
        Files.writeString(home.resolve("scripts/cert-header.js"), certHeaderScript());
        gateway = GatewayFixture.start(home, DocExample.yaml("docs/tls.md", "mtls-listener")
                .replace("port: 8443", "host: 127.0.0.1\n  port: 0")
                .replace("http://127.0.0.1:8081", backend.url()));
        URI uri = URI.create("https://localhost:" + gateway.gateway().port() + "/orders/1");

        HttpClient anonymous = HttpClient.newBuilder().sslContext(pki.clientContext()).build();
        assertThrows(IOException.class, () -> anonymous.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()), "no client certificate: the handshake fails");
        HttpClient wrongCa = HttpClient.newBuilder().sslContext(insisting(pki, intruder)).build();
        assertThrows(IOException.class, () -> wrongCa.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()), "a certificate of another CA: the handshake fails");
        assertEquals(0, received.get(), "nothing reached the upstream");

        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(clientA)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                .header("X-Forwarded-Client-Cert", "Hash=forged;Subject=\"CN=admin\"").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(HttpClient.Version.HTTP_2, response.version(), "the JDK's client negotiates h2 with mTLS too");
        JsonNode headers = EchoRoutes.JSON.readTree(response.body()).get("headers");
        assertFalse(headers.has("x-helidon-cn"), "nothing of Helidon's reaches the upstream: " + headers);
        JsonNode xfcc = headers.get("x-forwarded-client-cert");
        assertEquals(1, xfcc.size(), "the client's copy is replaced: " + xfcc);
        String value = xfcc.get(0).asText();
        X509Certificate leaf = TestPki.read(clientA.cert());
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(leaf.getEncoded()));
        assertEquals("Hash=" + hash + ";Subject=\"CN=client-a,O=Gatehouse Test\";URI=spiffe://test/client-a;"
                + "DNS=client-a.test", value);
        assertEquals("client-a", headers.get("x-client-cn").get(0).asText(), "the script read the attribute");
        assertEquals("client-a (client_cert)", headers.get("x-client-consumer").get(0).asText(),
                "the common name is the consumer");
    }

    private static String certHeaderScript() throws IOException {
        String page = Files.readString(repositoryFile("docs/tls.md"));
        int start = page.indexOf("```js\n") + "```js\n".length();
        return page.substring(start, page.indexOf("```", start));
    }

    private static Path repositoryFile(String path) {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        return dir.resolve(path);
    }

    @Test
    void mtlsOptionalLetsClientsWithoutACertificateThroughWithoutIdentity() throws Exception {
        pki.issue("gateway", "gateway", "DNS:localhost");
        TestPki clients = TestPki.create(home.resolve("conf/tls"), "clients-ca");
        TestPki.Issued clientA = clients.issue("client-a", "client-a");
        gateway = GatewayFixture.start(home, """
                server:
                  host: 127.0.0.1
                  port: 0
                  tls:
                    certificates: [ { cert: conf/tls/gateway.pem, key: conf/tls/gateway.key } ]
                    client_auth: optional
                    client_ca: conf/tls/clients-ca.pem
                    forward_client_cert: true
                upstreams:
                  orders: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: orders, match: { path: /orders/*rest }, upstream: orders }
                """.formatted(backend.url()));
        URI uri = URI.create("https://localhost:" + gateway.gateway().port() + "/orders/1");
        HttpResponse<String> without = HttpClient.newBuilder().sslContext(pki.clientContext()).build()
                .send(HttpRequest.newBuilder(uri).header("X-Forwarded-Client-Cert", "Hash=forged").build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, without.statusCode());
        assertFalse(EchoRoutes.JSON.readTree(without.body()).get("headers").has("x-forwarded-client-cert"),
                "a client's own X-Forwarded-Client-Cert never passes");
        HttpResponse<String> with = HttpClient.newBuilder().sslContext(pki.clientContext(clientA)).build()
                .send(HttpRequest.newBuilder(uri).header("X-Helidon-CN", "sent-by-the-client").build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, with.version());
        JsonNode withHeaders = EchoRoutes.JSON.readTree(with.body()).get("headers");
        assertTrue(withHeaders.get("x-forwarded-client-cert").get(0)
                .asText().contains("Subject=\"CN=client-a,O=Gatehouse Test\""), with.body());
        // the name is Helidon's, but over HTTP/2 as over HTTP/1 the client's field passes as sent, and alone
        assertEquals("[\"sent-by-the-client\"]", withHeaders.get("x-helidon-cn").toString(), with.body());
        int before = received.get();
        TestPki.Issued intruder = pki.issue("intruder", "intruder");
        // the JDK's client sends no certificate of a CA the server did not name; this one insists
        HttpClient wrongCa = HttpClient.newBuilder().sslContext(insisting(pki, intruder)).build();
        assertThrows(IOException.class, () -> wrongCa.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()), "optional, but a certificate presented must verify");
        assertEquals(before, received.get());
    }

    /** A client context that presents {@code client} whichever CAs the server asks for. */
    private static SSLContext insisting(TestPki pki, TestPki.Issued client) throws Exception {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(client.pkcs12("secret"))) {
            keys.load(in, "secret".toCharArray());
        }
        String alias = keys.aliases().nextElement();
        javax.net.ssl.KeyManagerFactory factory = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        factory.init(keys, "secret".toCharArray());
        javax.net.ssl.X509KeyManager chosen = (javax.net.ssl.X509KeyManager) factory.getKeyManagers()[0];
        javax.net.ssl.X509ExtendedKeyManager insisting = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {alias};
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
                return alias;
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                                                  javax.net.ssl.SSLEngine engine) {
                return alias;
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String name) {
                return chosen.getCertificateChain(name);
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String name) {
                return chosen.getPrivateKey(name);
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore ca = java.security.KeyStore.getInstance("PKCS12");
        ca.load(null, null);
        ca.setCertificateEntry("ca", TestPki.read(pki.caFile()));
        trust.init(ca);
        context.init(new javax.net.ssl.KeyManager[] {insisting}, trust.getTrustManagers(), null);
        return context;
    }

    @Test
    void unusableTlsSettingsAreConfigProblemsWithTheirPaths() throws Exception {
        pki.issue("a", "a.example", "DNS:a.example");
        pki.issue("b", "b.example", "DNS:b.example");
        String config = """
                server:
                  host: 127.0.0.1
                  port: 0
                  tls:
                    certificates:
                      - { cert: conf/tls/a.pem, key: conf/tls/b.key }
                      - { cert: conf/tls/missing.pem, key: conf/tls/a.key }
                      - { pkcs12: conf/tls/a.pem, password: x }
                      - { cert: conf/tls/a.pem }
                    protocols: [TLSv1.3, TLSv1.1]
                    cipher_suites: [TLS_NOT_A_SUITE]
                    client_auth: required
                upstreams:
                  billing:
                    discovery: { type: static, endpoints: [ { url: "https://127.0.0.1:9" } ] }
                    tls: { ca: conf/tls/test-ca.pem, insecure_skip_verify: true, cert: conf/tls/a.pem }
                routes:
                  - { id: billing, match: { path: /b/*rest }, upstream: billing }
                """;
        io.gatehouse.core.config.ConfigException refused = assertThrows(
                io.gatehouse.core.config.ConfigException.class, () -> GatewayFixture.start(home, config));
        List<String> problems = refused.problems().stream().map(Object::toString).toList();
        List<String> expected = List.of(
                "server.tls.certificates[0]: the private key does not match the certificate CN=a.example",
                "server.tls.certificates[1]: no such file: " + home.resolve("conf/tls/missing.pem"),
                "server.tls.certificates[2].pkcs12: cannot read the PKCS#12 file",
                "server.tls.certificates[3].key: required",
                "server.tls.protocols[1]: 'TLSv1.1' is not supported",
                "server.tls.cipher_suites[0]: unknown cipher suite 'TLS_NOT_A_SUITE'",
                "server.tls.client_ca: required when client_auth is required",
                "upstreams.billing.tls.insecure_skip_verify: cannot be combined with ca",
                "upstreams.billing.tls.key: required with cert");
        for (String problem : expected) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(problem)), problem + " in " + problems);
        }
        assertEquals(expected.size(), problems.size(), problems.toString());
    }

    private void awaitServed(int port, BigInteger serial) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        BigInteger seen;
        while (!(seen = served(port, "api.example.com", pki.clientContext()).getSerialNumber()).equals(serial)) {
            assertTrue(System.nanoTime() < deadline, "still serving " + seen.toString(16) + ", not "
                    + serial.toString(16));
            Thread.sleep(100);
        }
    }

    /** The certificate the listener presents for {@code sni} (none when {@code null}). */
    static X509Certificate served(int port, String sni, SSLContext context) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** A ClientHello offering TLS 1.1 only (no supported_versions extension), with TLS 1.0-era ECDHE suites. */
    private static byte[] tls11ClientHello() {
        ByteBuffer body = ByteBuffer.allocate(256);
        body.put((byte) 3).put((byte) 2);                  // client_version TLS 1.1
        body.put(new byte[32]);                             // random
        body.put((byte) 0);                                 // session id
        int[] suites = {0xc009, 0xc00a, 0xc013, 0xc014, 0x002f, 0x0035};
        body.putShort((short) (suites.length * 2));
        for (int suite : suites) {
            body.putShort((short) suite);
        }
        body.put((byte) 1).put((byte) 0);                   // compression: null
        byte[] ext = {0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,   // supported_groups: secp256r1
                0x00, 0x0b, 0x00, 0x02, 0x01, 0x00};                      // ec_point_formats: uncompressed
        body.putShort((short) ext.length).put(ext);
        int length = body.position();
        ByteBuffer record = ByteBuffer.allocate(9 + length);
        record.put((byte) 0x16).put((byte) 3).put((byte) 1).putShort((short) (4 + length));
        record.put((byte) 1).put((byte) 0).putShort((short) length);
        record.put(body.array(), 0, length);
        return record.array();
    }
}
