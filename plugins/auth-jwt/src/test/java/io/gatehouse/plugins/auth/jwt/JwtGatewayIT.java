package io.gatehouse.plugins.auth.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.core.Main;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.PackagedPlugin;
import io.gatehouse.core.testing.ProblemAssertions;
import io.gatehouse.core.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a real gateway loads the packaged plugin JAR and runs the examples of {@code docs/auth-jwt.md}, with a
 * recording upstream and a JWKS host on loopback. Path tricks cannot get past a route's authentication, a client
 * cannot pose as a consumer, the token is removed before the upstream, and no token ever shows in a log line, the
 * access log or a response.
 */
class JwtGatewayIT {

    private static final String PAGE = "docs/auth-jwt.md";
    private static final String DOC_UPSTREAM = "http://127.0.0.1:8081";
    private static final String DOC_JWKS = "https://login.example.com/.well-known/jwks.json";
    private static final String ISSUER = "https://login.example.com/";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final RSAKey key = TestTokens.rsa("rsa-1");
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final List<String> tokens = new ArrayList<>();
    private RecordingUpstream upstream;
    private JwksServer jwks;
    private Path home;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        upstream = RecordingUpstream.start();
        jwks = JwksServer.start().serve("/jwks", TestTokens.jwks(key));
        home = PackagedPlugin.home("gatehouse-plugin-auth-jwt");
        log = LogCapture.of("");
        cleanup.add(upstream);
        cleanup.add(jwks);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
        try {
            for (String token : tokens) {
                String signature = token.substring(token.lastIndexOf('.') + 1);
                for (LogCapture.Line line : log.lines()) {
                    assertFalse(line.message().contains(signature) || line.message().contains(token),
                            "a log line holds a token: " + line);
                }
                Path accessLog = home.resolve("access.log");
                if (Files.exists(accessLog)) {
                    assertFalse(Files.readString(accessLog).contains(signature), "the access log holds a token");
                }
            }
        } finally {
            log.close();
        }
    }

    /** The doc example, pointed at this test's upstream and JWKS host, with an access log in the home. */
    private GatewayFixture gateway(String example, String... replacements) throws Exception {
        String yaml = DocExample.yaml(PAGE, example).replace(DOC_UPSTREAM, upstream.url())
                .replace(DOC_JWKS, jwks.url("/jwks"));
        for (int i = 0; i < replacements.length; i += 2) {
            assertTrue(yaml.contains(replacements[i]), replacements[i]);
            yaml = yaml.replace(replacements[i], replacements[i + 1]);
        }
        GatewayFixture gateway = GatewayFixture.start(home, yaml + "global_filters:\n  - access_log: { file: access.log }\n");
        cleanup.add(gateway);
        return gateway;
    }

    private String token(JWTClaimsSet.Builder claims) {
        String token = TestTokens.sign(JWSAlgorithm.RS256, key, claims.build());
        tokens.add(token);
        return token;
    }

    /** Claims valid now (the gateway runs on the real clock). */
    private static JWTClaimsSet.Builder now() {
        return new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER)
                .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plusSeconds(600)));
    }

    private static HttpResponse<String> send(GatewayFixture gateway, String method, String path, String... headers)
            throws Exception {
        return gateway.send(method, path, headers);
    }

    private void assertNoToken(HttpResponse<String> response) {
        for (String token : tokens) {
            String signature = token.substring(token.lastIndexOf('.') + 1);
            assertFalse(response.body().contains(signature), "the response holds a token");
            response.headers().map().values().forEach(values -> values.forEach(value ->
                    assertFalse(value.contains(signature), "a response header holds a token")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/../admin/x", "/public/../admin/x", "/%61dmin/x", "//admin/x", "/admin%2Fx",
            "/admin/./x", "/public/%2e%2e/admin/x", "/ADMIN/x", "/admin/x/.."})
    void pathTricksCannotGetPastTheRoutesAuthentication(String target) throws Exception {
        GatewayFixture gateway = gateway("jwt-admin");
        RawClient.RawResponse response;
        try (RawClient raw = RawClient.connect(gateway.uri("/"))) {
            response = raw.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").read();
        }
        System.out.println("path trick " + target + " -> " + response.status());
        assertTrue(Set.of(400, 401, 404).contains(response.status()), target + " answered " + response.status() + " "
                + response.bodyText());
        assertEquals(List.of(), upstream.received(), target + " reached the upstream");
        if (response.status() == 401) {
            assertEquals("Bearer realm=\"gatehouse\"", response.header("WWW-Authenticate"));
        }
    }

    @Test
    void theRoutesOfTheAdminExampleWorkWithAndWithoutAToken() throws Exception {
        GatewayFixture gateway = gateway("jwt-admin");
        assertEquals(200, send(gateway, "GET", "/public/x").statusCode());
        assertEquals(200, send(gateway, "GET", "/admin/x", "Authorization",
                "Bearer " + token(now().claim("scope", "admin"))).statusCode());
        assertEquals("/admin/x", upstream.last().target());
        HttpResponse<String> noScope = send(gateway, "GET", "/admin/x", "Authorization",
                "Bearer " + token(now().claim("scope", "read")));
        assertEquals(403, noScope.statusCode());
        ProblemAssertions.assertProblem(noScope, "insufficient_scope");
        assertTrue(noScope.headers().firstValue("www-authenticate").orElseThrow().contains("scope=\"admin\""));
        assertEquals(2, upstream.received().size());
        assertNoToken(noScope);
    }

    @Test
    void aClientCannotPoseAsAConsumer() throws Exception {
        GatewayFixture gateway = gateway("jwt-admin");
        String token = token(now().claim("scope", "admin").claim("email", "alice@example.com"));
        assertEquals(200, send(gateway, "GET", "/admin/x", "Authorization", "Bearer " + token,
                "X-Consumer-Id", "admin", "X-Consumer-Groups", "root", "X-Consumer-Credential", "basic",
                "x-user-email", "admin@example.com").statusCode());
        RecordingUpstream.Received seen = upstream.last();
        assertEquals("alice", seen.header("X-Consumer-Id"));
        assertEquals("jwt", seen.header("X-Consumer-Credential"));
        assertNull(seen.header("X-Consumer-Groups"));
        assertEquals("alice@example.com", seen.header("X-User-Email"));
        assertNull(seen.header("Authorization"), "the token is removed before the upstream");

        assertEquals(200, send(gateway, "GET", "/admin/x", "Authorization", "Bearer "
                + token(now().claim("scope", "admin")), "X-User-Email", "admin@example.com").statusCode());
        assertNull(upstream.last().header("X-User-Email"), "a forwarded header the token does not fill is removed");

        assertEquals(200, send(gateway, "GET", "/public/x", "X-Consumer-Id", "admin").statusCode());
        assertNull(upstream.last().header("X-Consumer-Id"), "X-Consumer-* is removed on every route");

        HttpResponse<String> refused = send(gateway, "GET", "/admin/x", "X-Consumer-Id", "admin");
        assertEquals(401, refused.statusCode());
        ProblemAssertions.assertProblem(refused, "unauthorized");
        assertEquals(3, upstream.received().size());
    }

    @Test
    void keepCredentialSendsTheAuthorizationHeaderOn() throws Exception {
        GatewayFixture gateway = gateway("jwt-admin", "scopes: [admin]", "scopes: [admin]\n          keep_credential: true");
        String token = token(now().claim("scope", "admin"));
        assertEquals(200, send(gateway, "GET", "/admin/x", "Authorization", "Bearer " + token).statusCode());
        assertEquals("Bearer " + token, upstream.last().header("Authorization"));
    }

    @Test
    void theSecretExampleRuns() throws Exception {
        GatewayFixture gateway = gateway("jwt-secret");
        byte[] secret = "replace-me-with-32-random-bytes-or-more".getBytes(StandardCharsets.UTF_8);
        String good = TestTokens.hs256(secret, now().build());
        String expired = TestTokens.hs256(secret, now().expirationTime(Date.from(Instant.now().minusSeconds(120)))
                .build());
        tokens.addAll(List.of(good, expired));
        assertEquals(200, send(gateway, "GET", "/orders/1", "Authorization", "Bearer " + good).statusCode());
        assertEquals("alice", upstream.last().header("X-Consumer-Id"));

        HttpResponse<String> refused = send(gateway, "GET", "/orders/1", "Authorization", "Bearer " + expired);
        assertEquals(401, refused.statusCode());
        ProblemAssertions.assertProblem(refused, "invalid_token");
        assertEquals("Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"The token has "
                + "expired.\"", refused.headers().firstValue("www-authenticate").orElseThrow());
        JsonNode problem = new ObjectMapper().readTree(refused.body()); // the unshaded Jackson: main classes are shaded here
        assertEquals("The token has expired.", problem.get("detail").asText());
        assertNoToken(refused);

        HttpResponse<String> none = send(gateway, "GET", "/orders/1");
        assertEquals(401, none.statusCode());
        assertEquals("Bearer realm=\"gatehouse\"", none.headers().firstValue("www-authenticate").orElseThrow());
        assertEquals(1, upstream.received().size());
        assertTrue(log.lines().stream().anyMatch(line -> line.message().contains("401 invalid_token (expired)")
                && line.message().contains(problem.get("request_id").asText())), log.lines().toString());
    }

    @Test
    void thePemExampleRuns() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/jwt-public.pem"), TokenMatrixTest.pem(key.toRSAPublicKey().getEncoded()));
        GatewayFixture gateway = gateway("jwt-pem");
        assertEquals(200, send(gateway, "GET", "/orders/1", "Authorization", "Bearer " + token(now())).statusCode());
        HttpResponse<String> wrongIssuer = send(gateway, "GET", "/orders/1", "Authorization",
                "Bearer " + token(now().issuer("https://evil.example/")));
        assertEquals(401, wrongIssuer.statusCode());
        ProblemAssertions.assertProblem(wrongIssuer, "invalid_token");
        HttpResponse<String> unsigned = send(gateway, "GET", "/orders/1", "Authorization", "Bearer "
                + TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64(now().build().toString()) + ".");
        assertEquals(401, unsigned.statusCode());
        assertTrue(unsigned.body().contains("Unsigned tokens (alg none) are never accepted."), unsigned.body());
        assertEquals(1, upstream.received().size());
    }

    @Test
    void theJwksExampleRuns() throws Exception {
        GatewayFixture gateway = gateway("jwt-jwks");
        JWTClaimsSet.Builder claims = now().audience("orders-api").claim("tenant", "acme")
                .claim("email_verified", true).claim("scope", "orders.read orders.write")
                .claim("roles", List.of("ops", "billing")).claim("email", "alice@example.com");
        assertEquals(200, send(gateway, "POST", "/orders/1", "Authorization", "Bearer " + token(claims),
                "X-Tenant", "globex").statusCode());
        RecordingUpstream.Received seen = upstream.last();
        assertEquals("alice@example.com", seen.header("X-User-Email"));
        assertEquals("acme", seen.header("X-Tenant"), "the client's X-Tenant was replaced by the claim");
        assertEquals("ops,billing", seen.header("X-Consumer-Groups"));

        HttpResponse<String> otherTenant = send(gateway, "POST", "/orders/1", "Authorization",
                "Bearer " + token(claims.claim("tenant", "globex")));
        assertEquals(401, otherTenant.statusCode());
        HttpResponse<String> readOnly = send(gateway, "POST", "/orders/1", "Authorization",
                "Bearer " + token(claims.claim("tenant", "acme").claim("scope", "orders.read")));
        assertEquals(403, readOnly.statusCode());
        ProblemAssertions.assertProblem(readOnly, "insufficient_scope");
        HttpResponse<String> twoTokens = send(gateway, "POST", "/orders/1", "Authorization", "Bearer " + token(claims),
                "Authorization", "Bearer " + token(now()));
        assertEquals(400, twoTokens.statusCode());
        ProblemAssertions.assertProblem(twoTokens, "invalid_request");
        assertEquals(1, upstream.received().size());
        assertNoToken(twoTokens);
    }

    @Test
    void aJwksHostDownAtStartMeans503UntilItComesUp() throws Exception {
        jwks.stop();
        GatewayFixture gateway = gateway("jwt-admin", "algorithms: [RS256]",
                "algorithms: [RS256]\n          min_refresh_interval: 200ms");
        assertTrue(log.lines().stream().anyMatch(line -> line.message().contains("could not be fetched at start")),
                "the gateway says so: " + log.lines());
        String token = token(now().claim("scope", "admin"));
        HttpResponse<String> unavailable = send(gateway, "GET", "/admin/x", "Authorization", "Bearer " + token);
        assertEquals(503, unavailable.statusCode());
        ProblemAssertions.assertProblem(unavailable, "jwks_unavailable");
        assertTrue(unavailable.headers().firstValue("retry-after").isPresent());
        assertEquals(401, send(gateway, "GET", "/admin/x").statusCode());
        assertEquals(200, send(gateway, "GET", "/public/x").statusCode(), "the rest of the gateway serves");

        jwks.restart();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (send(gateway, "GET", "/admin/x", "Authorization", "Bearer " + token).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "no recovery after the JWKS host came up");
            Thread.sleep(50);
        }
    }

    @Test
    void everyExampleOfThePagePassesGatehouseCheck() throws Exception {
        for (String example : List.of("jwt-secret", "jwt-pem", "jwt-jwks", "jwt-admin")) {
            Path file = home.resolve(example + ".yaml");
            Files.writeString(file, DocExample.yaml(PAGE, example));
            int exit = new CommandLine(new Main()).execute("check", "--home", home.toString(), file.toString());
            assertEquals(0, exit, example + " does not pass gatehouse check");
        }
        Path broken = home.resolve("broken.yaml");
        Files.writeString(broken, DocExample.yaml(PAGE, "jwt-jwks").replace("[RS256, ES256]", "[RS256, none]"));
        assertEquals(1, new CommandLine(new Main()).execute("check", "--home", home.toString(), broken.toString()),
                "the check can fail: alg none is a config error");
    }

    @Test
    void theCommentedRouteOfTheShippedConfigPassesGatehouseCheckOnceUncommented() throws Exception {
        Path shipped = Path.of("../../distribution/src/conf/gatehouse.yaml");
        List<String> lines = Files.readAllLines(shipped);
        int start = lines.indexOf("  # - id: demo-protected");
        assertTrue(start > 0, "the shipped config has no commented JWT route");
        StringBuilder yaml = new StringBuilder("upstreams:\n  demo: { discovery: { type: static, endpoints: "
                + "[ { url: \"http://127.0.0.1:8081\" } ] } }\nroutes:\n");
        for (String line : lines.subList(start, lines.size())) {
            yaml.append(line.replaceFirst("^  # ", "  ")).append('\n');
        }
        Path file = home.resolve("shipped-jwt-route.yaml");
        Files.writeString(file, yaml);
        assertEquals(0, new CommandLine(new Main()).execute("check", "--home", home.toString(), file.toString()),
                yaml.toString());
    }
}
