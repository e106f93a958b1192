package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.testkit.TestClock;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.api.Consumer;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.plugins.auth.jwt.Rejection.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token matrix: every kind of token the issue lists, good and bad, against routes keyed by a JWKS (RS256, PS256,
 * ES256), an HMAC secret and a PEM file. Tokens are minted with Nimbus JOSE+JWT or built by hand; the filter under
 * test checks them with java-jwt. Each refusal is checked for its status, RFC 6750 error, our own description, the
 * {@code WWW-Authenticate} challenge, that nothing reached the upstream, and one log line without the token.
 */
class TokenMatrixTest {

    enum Route { JWKS, SECRET, PEM }

    /**
     * @param desc    what the case is
     * @param route   which route's filter checks it
     * @param request builds the request from the test keys
     * @param reason  why it is refused, or {@code null} when it passes
     * @param token   whether the request carries a token at all (else the filter only records its challenge)
     */
    record Case(String desc, Route route, Function<TestTokens, TestExchange.Builder> request, Reason reason,
                boolean token) {
        @Override
        public String toString() {
            return desc;
        }
    }

    private static final TestTokens KEYS = new TestTokens();
    private static final TestClock CLOCK = new TestClock(TestTokens.NOW);
    private static final Map<Route, Filter> FILTERS = new EnumMap<>(Route.class);
    private static final List<TestPluginContext> CONTEXTS = new ArrayList<>();
    private static JwksServer jwks;

    @BeforeAll
    static void routes(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        jwks = JwksServer.start().serve("/jwks", TestTokens.jwks(KEYS.rsa, KEYS.ec));
        Files.writeString(home.resolve("rsa.pem"), pem(KEYS.rsa.toRSAPublicKey().getEncoded()));
        route(Route.JWKS, home, """
                jwks_url: "%s"
                algorithms: [RS256, PS256, ES256]
                issuer: "%s"
                audiences: [other-api, %s]
                scopes: [orders.read]
                realm: orders
                """.formatted(jwks.url("/jwks"), TestTokens.ISSUER, TestTokens.AUDIENCE));
        route(Route.SECRET, home, """
                secret: "%s"
                required_claims: [exp, tenant]
                claims: { tenant: acme }
                realm: orders
                """.formatted(TestTokens.SECRET));
        route(Route.PEM, home, """
                public_key_file: rsa.pem
                cookie: session
                query_param: access_token
                leeway: 30s
                realm: orders
                """);
    }

    private static void route(Route route, Path home, String yaml) throws Exception {
        JwtConfig config = TestConfigs.valid(yaml);
        TestPluginContext context = TestPluginContext.of(JwtFilterFactory.ID, config, home);
        CONTEXTS.add(context);
        FILTERS.put(route, new JwtFilterFactory(CLOCK).create(config, context));
    }

    @AfterAll
    static void close() throws Exception {
        for (TestPluginContext context : CONTEXTS) {
            context.drained();
        }
        jwks.close();
    }

    static String pem(byte[] spki) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(spki) + "\n-----END PUBLIC KEY-----\n";
    }

    private static Case ok(String desc, Route route, Function<TestTokens, String> token) {
        return new Case(desc, route, keys -> bearer(token.apply(keys)), null, true);
    }

    private static Case refused(String desc, Route route, Reason reason, Function<TestTokens, String> token) {
        return new Case(desc, route, keys -> bearer(token.apply(keys)), reason, true);
    }

    private static Case request(String desc, Route route, Reason reason,
                                Function<TestTokens, TestExchange.Builder> request) {
        return new Case(desc, route, request, reason, true);
    }

    private static TestExchange.Builder bearer(String token) {
        return TestExchange.builder().path("/orders").header("Authorization", "Bearer " + token);
    }

    private static String rs256(TestTokens keys, JWTClaimsSet claims) {
        return TestTokens.sign(JWSAlgorithm.RS256, keys.rsa, claims);
    }

    private static String rs256(TestTokens keys) {
        return rs256(keys, TestTokens.claims().build());
    }

    private static String hs256(JWTClaimsSet.Builder claims) {
        return TestTokens.hs256(TestTokens.secretBytes(), claims.claim("tenant", "acme").build());
    }

    private static JWTClaimsSet.Builder expiringIn(Duration duration) {
        return TestTokens.claims().expirationTime(Date.from(TestTokens.NOW.plus(duration)));
    }

    private static String withHeader(TestTokens keys, JWSHeader.Builder header) {
        return TestTokens.sign(header.keyID("rsa-1").build(), TestTokens.claims().build(), TestTokens.signer(keys.rsa));
    }

    private static String parts(String token, int from, int to) {
        return String.join(".", List.of(token.split("\\.")).subList(from, to));
    }

    /** Flips one character in the middle of the part, keeping it valid base64url. */
    private static String tamper(String token, int part) {
        String[] parts = token.split("\\.");
        char[] chars = parts[part].toCharArray();
        int i = chars.length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        parts[part] = new String(chars);
        return String.join(".", parts);
    }

    private static String unsigned(String alg) {
        return TestTokens.b64("{\"alg\":\"" + alg + "\",\"kid\":\"rsa-1\"}") + "."
                + TestTokens.b64(TestTokens.payload(TestTokens.claims().build())) + ".";
    }

    private static String hsWithKeyBytes(byte[] secret) {
        return TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                TestTokens.claims().build(), macSigner(secret));
    }

    private static com.nimbusds.jose.JWSSigner macSigner(byte[] secret) {
        try {
            return new com.nimbusds.jose.crypto.MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String derSignature(String es256) {
        String[] parts = es256.split("\\.");
        try {
            byte[] der = ECDSA.transcodeSignatureToDER(new Base64URL(parts[2]).decode());
            return parts[0] + "." + parts[1] + "." + Base64URL.encode(der);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Case> cases() {
        String jsonSerialization = "{\"payload\":\"" + TestTokens.b64("{\"sub\":\"alice\"}")
                + "\",\"signatures\":[{\"protected\":\"" + TestTokens.b64("{\"alg\":\"HS256\"}")
                + "\",\"signature\":\"AAAA\"}]}";
        return Stream.of(
                ok("valid RS256 from the JWKS", Route.JWKS, TokenMatrixTest::rs256),
                ok("valid PS256 from the JWKS", Route.JWKS,
                        k -> TestTokens.sign(JWSAlgorithm.PS256, k.rsa, TestTokens.claims().build())),
                ok("valid ES256 from the JWKS", Route.JWKS,
                        k -> TestTokens.sign(JWSAlgorithm.ES256, k.ec, TestTokens.claims().build())),
                ok("valid HS256 with the secret", Route.SECRET, k -> hs256(TestTokens.claims())),
                ok("valid RS256 with the PEM key", Route.PEM, TokenMatrixTest::rs256),
                refused("expired an hour ago", Route.JWKS, Reason.EXPIRED,
                        k -> rs256(k, expiringIn(Duration.ofHours(-1)).build())),
                refused("expired 31 s ago, beyond the 30 s leeway", Route.PEM, Reason.EXPIRED,
                        k -> rs256(k, expiringIn(Duration.ofSeconds(-31)).build())),
                ok("expired 29 s ago, within the 30 s leeway", Route.PEM,
                        k -> rs256(k, expiringIn(Duration.ofSeconds(-29)).build())),
                refused("nbf in 5 minutes", Route.JWKS, Reason.NOT_YET_VALID,
                        k -> rs256(k, TestTokens.claims().notBeforeTime(Date.from(TestTokens.NOW.plusSeconds(300)))
                                .build())),
                ok("nbf in 20 s, within the leeway", Route.JWKS,
                        k -> rs256(k, TestTokens.claims().notBeforeTime(Date.from(TestTokens.NOW.plusSeconds(20)))
                                .build())),
                refused("iat in 5 minutes", Route.JWKS, Reason.ISSUED_IN_FUTURE,
                        k -> rs256(k, TestTokens.claims().issueTime(Date.from(TestTokens.NOW.plusSeconds(300)))
                                .build())),
                refused("exp is a string", Route.SECRET, Reason.BAD_TIME_CLAIM,
                        k -> hs256(TestTokens.claims().claim("exp", "tomorrow"))),
                refused("wrong iss", Route.JWKS, Reason.WRONG_ISSUER,
                        k -> rs256(k, TestTokens.claims().issuer("https://evil.example/").build())),
                refused("iss with a trailing difference", Route.JWKS, Reason.WRONG_ISSUER,
                        k -> rs256(k, TestTokens.claims().issuer(TestTokens.ISSUER + "x").build())),
                refused("wrong aud", Route.JWKS, Reason.WRONG_AUDIENCE,
                        k -> rs256(k, TestTokens.claims().audience("billing-api").build())),
                ok("aud array holding one accepted audience", Route.JWKS,
                        k -> rs256(k, TestTokens.claims().audience(List.of("billing-api", "orders-api")).build())),
                refused("missing required claim tenant", Route.SECRET, Reason.MISSING_CLAIM,
                        k -> TestTokens.hs256(TestTokens.secretBytes(), TestTokens.claims().build())),
                refused("missing exp (required by default)", Route.JWKS, Reason.MISSING_CLAIM,
                        k -> rs256(k, TestTokens.claims().expirationTime(null).build())),
                refused("required claim with another value", Route.SECRET, Reason.CLAIM_MISMATCH,
                        k -> TestTokens.hs256(TestTokens.secretBytes(),
                                TestTokens.claims().claim("tenant", "globex").build())),
                refused("no sub", Route.JWKS, Reason.NO_CONSUMER,
                        k -> rs256(k, TestTokens.claims().subject(null).build())),
                refused("insufficient scope", Route.JWKS, Reason.INSUFFICIENT_SCOPE,
                        k -> rs256(k, TestTokens.claims().claim("scope", "orders.write").build())),
                ok("scope as an array", Route.JWKS,
                        k -> rs256(k, TestTokens.claims().claim("scope", List.of("orders.read")).build())),
                refused("alg none", Route.JWKS, Reason.UNSIGNED, k -> unsigned("none")),
                refused("alg None", Route.JWKS, Reason.UNSIGNED, k -> unsigned("None")),
                refused("alg NONE", Route.SECRET, Reason.UNSIGNED, k -> unsigned("NONE")),
                refused("alg none with a signature", Route.PEM, Reason.UNSIGNED,
                        k -> unsigned("none") + parts(rs256(k), 2, 3)),
                refused("HS256 signed with the RSA public key's PEM bytes (JWKS route)", Route.JWKS,
                        Reason.ALGORITHM_NOT_ALLOWED, k -> hsWithKeyBytes(pemBytes(k))),
                refused("HS256 signed with the RSA public key's PEM bytes (PEM route)", Route.PEM,
                        Reason.ALGORITHM_NOT_ALLOWED, k -> hsWithKeyBytes(pemBytes(k))),
                refused("HS256 signed with the RSA public key's JWK bytes", Route.JWKS,
                        Reason.ALGORITHM_NOT_ALLOWED, k -> hsWithKeyBytes(
                                k.rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))),
                refused("RS384, not on the route's list", Route.JWKS, Reason.ALGORITHM_NOT_ALLOWED,
                        k -> TestTokens.sign(JWSAlgorithm.RS384, k.rsa, TestTokens.claims().build())),
                refused("RS256 naming the EC key's kid", Route.JWKS, Reason.UNKNOWN_KEY,
                        k -> TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("ec-1").build(),
                                TestTokens.claims().build(), TestTokens.signer(k.rsa))),
                refused("unknown kid", Route.JWKS, Reason.UNKNOWN_KEY,
                        k -> TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-9").build(),
                                TestTokens.claims().build(), TestTokens.signer(k.rsa))),
                refused("right kid, wrong key", Route.JWKS, Reason.BAD_SIGNATURE,
                        k -> TestTokens.sign(JWSAlgorithm.RS256, k.stranger, TestTokens.claims().build())),
                refused("jwk in the header", Route.JWKS, Reason.EMBEDDED_KEY,
                        k -> TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1")
                                        .jwk(k.stranger.toPublicJWK()).build(), TestTokens.claims().build(),
                                TestTokens.signer(k.stranger))),
                refused("jku in the header", Route.JWKS, Reason.EMBEDDED_KEY,
                        k -> withHeader(k, new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .jwkURL(java.net.URI.create("https://evil.example/jwks")))),
                refused("crit with an unknown extension", Route.JWKS, Reason.CRITICAL_EXTENSION,
                        k -> withHeader(k, new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .customParam("https://example.com/ext", true)
                                .criticalParams(java.util.Set.of("https://example.com/ext")))),
                refused("tampered payload", Route.JWKS, Reason.BAD_SIGNATURE, k -> tamper(rs256(k), 1)),
                refused("tampered signature", Route.JWKS, Reason.BAD_SIGNATURE, k -> tamper(rs256(k), 2)),
                refused("ES256 signature in DER form", Route.JWKS, Reason.BAD_SIGNATURE,
                        k -> derSignature(TestTokens.sign(JWSAlgorithm.ES256, k.ec, TestTokens.claims().build()))),
                refused("bad base64url: '+' in the payload", Route.JWKS, Reason.MALFORMED,
                        k -> rs256(k).replaceFirst("\\.(.)", ".+")),
                refused("bad base64url: padding", Route.JWKS, Reason.MALFORMED, k -> rs256(k) + "=="),
                refused("2 segments", Route.JWKS, Reason.MALFORMED, k -> parts(rs256(k), 0, 2)),
                refused("4 segments", Route.JWKS, Reason.MALFORMED, k -> rs256(k) + "." + parts(rs256(k), 2, 3)),
                refused("JSON serialisation", Route.SECRET, Reason.MALFORMED, k -> jsonSerialization),
                refused("header with a duplicate alg", Route.SECRET, Reason.MALFORMED,
                        k -> TestTokens.handSigned("{\"alg\":\"HS256\",\"alg\":\"none\"}",
                                TestTokens.payload(TestTokens.claims().claim("tenant", "acme").build()),
                                TestTokens.secretBytes())),
                refused("payload that is a JSON array", Route.SECRET, Reason.NOT_CLAIMS,
                        k -> TestTokens.handSigned("{\"alg\":\"HS256\"}", "[1,2]", TestTokens.secretBytes())),
                refused("token over 16 KiB", Route.SECRET, Reason.TOO_LARGE,
                        k -> hs256(TestTokens.claims().claim("pad", "x".repeat(13_000)))),
                request("empty bearer", Route.JWKS, Reason.EMPTY,
                        k -> TestExchange.builder().header("Authorization", "Bearer ")),
                request("bearer without a token", Route.JWKS, Reason.EMPTY,
                        k -> TestExchange.builder().header("Authorization", "Bearer")),
                request("lowercase bearer", Route.JWKS, null,
                        k -> TestExchange.builder().header("Authorization", "bearer " + rs256(k))),
                request("token in the configured cookie", Route.PEM, null,
                        k -> TestExchange.builder().header("Cookie", "theme=dark; session=" + rs256(k))),
                request("token in the configured query parameter", Route.PEM, null,
                        k -> TestExchange.builder().query("access_token=" + rs256(k) + "&page=2")),
                request("the same token in the header and the cookie", Route.PEM, null,
                        k -> bearer(rs256(k)).header("Cookie", "session=" + rs256(k))),
                request("two different tokens: header and query parameter", Route.PEM, Reason.TWO_TOKENS,
                        k -> bearer(rs256(k)).query("access_token=" + hs256(TestTokens.claims()))),
                request("two different bearer headers", Route.JWKS, Reason.TWO_TOKENS,
                        k -> bearer(rs256(k)).header("Authorization", "Bearer " + TestTokens.sign(
                                JWSAlgorithm.ES256, k.ec, TestTokens.claims().build()))),
                new Case("token in the wrong place: a query parameter the route does not read", Route.JWKS,
                        k -> TestExchange.builder().query("access_token=" + rs256(k)), null, false),
                new Case("token in the wrong place: another scheme", Route.JWKS,
                        k -> TestExchange.builder().header("Authorization", "Token " + rs256(k)), null, false),
                new Case("no token", Route.SECRET, k -> TestExchange.builder(), null, false));
    }

    private static byte[] pemBytes(TestTokens keys) {
        try {
            return pem(keys.rsa.toRSAPublicKey().getEncoded()).getBytes(StandardCharsets.US_ASCII);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tokenMatrix(Case c) throws Exception {
        TestExchange exchange = c.request().apply(KEYS).requestId("req-" + Math.abs(c.desc().hashCode())).build();
        String sent = exchange.request().headers().toString() + exchange.request().rawQuery();
        TestChain chain = TestChain.ok();
        Filter filter = FILTERS.get(c.route());
        try (LogCapture log = LogCapture.of("gatehouse")) {
            if (c.reason() == null) {
                filter.filter(exchange, chain);
                assertEquals(1, chain.calls());
                if (c.token()) {
                    Consumer consumer = exchange.authenticated().orElseThrow();
                    assertEquals("alice", consumer.id());
                    assertEquals(Consumer.JWT, consumer.credential());
                    String upstream = chain.lastRequestHeaders().toString()
                            + chain.lastExchange().orElseThrow().request().rawQuery();
                    assertFalse(upstream.contains("eyJ"), "the token was removed before the upstream: " + upstream);
                } else {
                    assertTrue(exchange.authenticated().isEmpty());
                    assertEquals(List.of("Bearer realm=\"orders\""), exchange.challenges());
                }
                assertTrue(log.lines().isEmpty(), log.lines().toString());
                return;
            }
            GatewayException refusal = assertThrows(GatewayException.class, () -> filter.filter(exchange, chain));
            assertEquals(0, chain.calls(), "nothing reaches the upstream");
            assertEquals(c.reason().status(), refusal.status());
            assertEquals(c.reason().error(), refusal.code());
            assertEquals(c.reason().description(), refusal.getMessage());
            String challenge = refusal.headers().get("WWW-Authenticate");
            assertTrue(challenge.startsWith("Bearer realm=\"orders\", error=\"" + c.reason().error()
                    + "\", error_description=\"" + c.reason().description() + "\""), challenge);
            if (c.reason() == Reason.INSUFFICIENT_SCOPE) {
                assertTrue(challenge.endsWith(", scope=\"orders.read\""), challenge);
            }
            List<LogCapture.Line> lines = log.lines();
            assertEquals(1, lines.size(), lines.toString());
            String line = lines.getFirst().message();
            assertTrue(line.contains(exchange.requestId()) && line.contains(c.reason().logName()), line);
            for (String part : sent.split("[ .;=&:,]")) {
                if (part.length() > 20) {
                    assertFalse(line.contains(part), "the log line holds part of the request's token: " + line);
                    assertFalse(refusal.getMessage().contains(part) || challenge.contains(part));
                }
            }
        }
    }
}
