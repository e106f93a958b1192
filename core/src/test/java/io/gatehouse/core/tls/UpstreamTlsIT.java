package io.gatehouse.core.tls;

import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.TestPki;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS from the gateway to upstreams: real Helidon backends over HTTPS with certificates of a CA made in the test
 * (one of them requiring a client certificate), the gateway verifying them, or refusing them with 502.
 */
class UpstreamTlsIT {

    @TempDir
    Path home;
    private TestPki internal;
    private WebServer strict;
    private WebServer open;
    private GatewayFixture gateway;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger healthChecks = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        internal = TestPki.create(home.resolve("conf/tls"), "internal-ca");
        // the backends' certificate names billing.internal only: not 127.0.0.1, where they listen
        TestPki.Issued backendCert = internal.issue("billing", "billing.internal", "DNS:billing.internal");
        internal.issue("gateway-client", "gateway-client");
        strict = backend(internal, backendCert, TlsClientAuth.REQUIRED);
        open = backend(internal, backendCert, TlsClientAuth.NONE);
    }

    private WebServer backend(TestPki pki, TestPki.Issued cert, TlsClientAuth clientAuth) throws Exception {
        return WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .tls(Tls.builder().sslContext(pki.serverContext(cert)).clientAuth(clientAuth)
                        .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE).build())
                .routing(routing -> routing.get("/health", (req, res) -> {
                    healthChecks.incrementAndGet();
                    res.send("ok");
                }).any((req, res) -> {
                    received.incrementAndGet();
                    res.send("client " + req.remotePeer().tlsPrincipal().map(Principal::getName).orElse("none")
                            + " path " + req.path().rawPath());
                }))
                .build().start();
    }

    @AfterEach
    void tearDown() {
        if (gateway != null) {
            gateway.close();
        }
        strict.stop();
        open.stop();
    }

    private static String upstream(String url, String tls) {
        return """
                upstreams:
                  billing:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    retries: 0
                %s
                routes:
                  - { id: billing, match: { path: /billing/*rest }, upstream: billing }
                """.formatted(url, tls.isEmpty() ? "" : "    tls:\n" + tls.indent(6).stripTrailing());
    }

    private static String url(WebServer server) {
        return "https://127.0.0.1:" + server.port();
    }

    @Test
    void anHttpsEndpointIsVerifiedAgainstTheJdkTrustStoreByDefault() throws Exception {
        try (LogCapture log = LogCapture.of("io.gatehouse")) {
            gateway = GatewayFixture.start(home, upstream(url(open), ""));
            HttpResponse<String> response = gateway.get("/billing/1");
            assertEquals(502, response.statusCode(), response.body());
            assertProblem(response, "upstream_tls");
            assertTrue(response.body().contains("the upstream 'billing' failed the TLS handshake"), response.body());
            assertFalse(response.body().contains("127.0.0.1"), "no address in the detail: " + response.body());
            assertTrue(log.lines().stream().anyMatch(line -> line.message().contains("failed the TLS handshake")
                    && line.message().contains("certification path")), "the log says why: " + log.lines());
        }
        assertEquals(0, received.get(), "no request was sent to an unverified endpoint");
        String upstreams = gateway.admin("/upstreams").body();
        assertEquals(1, EchoRoutes.JSON.readTree(upstreams).get("upstreams").get(0).get("endpoints").get(0)
                .get("health").get("consecutive_failures").asInt(), "counted as the endpoint's failure: " + upstreams);
    }

    @Test
    void theDocumentedConfigVerifiesTheSniNameAndPresentsTheClientCertificate() throws Exception {
        gateway = GatewayFixture.start(home, DocExample.yaml("docs/tls.md", "upstream-tls")
                .replace("https://10.0.0.7:9443", url(strict)));
        HttpResponse<String> response = gateway.get("/billing/invoices");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("client CN=gateway-client,O=Gatehouse Test path /billing/invoices", response.body(),
                "the backend verified the gateway's client certificate");
    }

    @Test
    void withoutItsClientCertificateAnUpstreamThatRequiresOneFailsWith502() throws Exception {
        gateway = GatewayFixture.start(home, upstream(url(strict), """
                ca: conf/tls/internal-ca.pem
                sni: billing.internal
                """));
        HttpResponse<String> response = gateway.get("/billing/1");
        assertEquals(502, response.statusCode(), response.body());
        assertProblem(response, "upstream_tls");
        assertEquals(0, received.get());
    }

    @Test
    void aCertificateThatDoesNotNameTheHostFailsUnlessHostNameVerificationIsOff() throws Exception {
        gateway = GatewayFixture.start(home, upstream(url(open), "ca: conf/tls/internal-ca.pem\n"));
        HttpResponse<String> mismatch = gateway.get("/billing/1");
        assertEquals(502, mismatch.statusCode(), mismatch.body());
        assertProblem(mismatch, "upstream_tls");
        assertEquals(0, received.get());

        gateway.reload(upstream(url(open), "ca: conf/tls/internal-ca.pem\nverify_hostname: false\n"));
        HttpResponse<String> trusted = gateway.get("/billing/1");
        assertEquals(200, trusted.statusCode(), trusted.body());
        assertEquals("client none path /billing/1", trusted.body());
    }

    @Test
    void activeHealthChecksOfHttpsEndpointsUseTheUpstreamsTlsSettings() throws Exception {
        String health = "    health: { active: { path: /health, interval: 100ms, timeout: 2s } }\n";
        String tls = "ca: conf/tls/internal-ca.pem\nsni: billing.internal\n";
        gateway = GatewayFixture.start(home, upstream(url(open), tls).replace("    retries: 0\n",
                "    retries: 0\n" + health));
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (healthChecks.get() < 3) {
            assertTrue(System.nanoTime() < deadline, "the backend got no health checks over TLS");
            Thread.sleep(50);
        }
        assertEquals("healthy", endpointState());
        assertEquals(200, gateway.get("/billing/1").statusCode());

        // the same endpoint without the CA: the checks fail the handshake, never reach it, and take it out
        gateway.reload(upstream(url(open), "").replace("    retries: 0\n", "    retries: 0\n" + health));
        while (!"unhealthy".equals(endpointState())) {
            assertTrue(System.nanoTime() < deadline, "an unverifiable endpoint stays " + endpointState());
            Thread.sleep(50);
        }
    }

    private String endpointState() throws Exception {
        return EchoRoutes.JSON.readTree(gateway.admin("/upstreams").body()).get("upstreams").get(0)
                .get("endpoints").get(0).get("health").get("state").asText();
    }

    @Test
    void insecureSkipVerifyAcceptsAnyCertificateAndSaysSoLoudly() throws Exception {
        try (LogCapture log = LogCapture.of("io.gatehouse")) {
            gateway = GatewayFixture.start(home, upstream(url(open), "insecure_skip_verify: true\n"));
            assertEquals(1, log.lines().stream().filter(line -> line.level() == java.util.logging.Level.WARNING
                    && line.message().contains("upstreams.billing.tls.insecure_skip_verify is on")).count(),
                    log.lines().toString());
        }
        HttpResponse<String> response = gateway.get("/billing/1");
        assertEquals(200, response.statusCode(), response.body());
    }
}
