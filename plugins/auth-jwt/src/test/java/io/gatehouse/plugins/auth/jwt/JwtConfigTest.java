package io.gatehouse.plugins.auth.jwt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation of {@code filter.jwt}'s config: every problem at its path, and never the secret in a message. */
class JwtConfigTest {

    record Case(String desc, String yaml, List<String> problems) {
        @Override
        public String toString() {
            return desc;
        }
    }

    private static final String SECRET = "secret: \"" + TestTokens.SECRET + "\"\n";
    private static final String JWKS = "jwks_url: https://idp.example/jwks.json\n";

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a secret alone", SECRET, List.of()),
                new Case("a PEM file alone", "public_key_file: conf/jwt.pem", List.of()),
                new Case("a JWKS with algorithms", JWKS + "algorithms: [RS256, ES256]", List.of()),
                new Case("the shortcut: a scalar is the secret", "\"" + TestTokens.SECRET + "\"", List.of()),
                new Case("no key", "issuer: x", List.of("no key: give one of secret, public_key_file and jwks_url")),
                new Case("two keys", SECRET + "public_key_file: k.pem",
                        List.of("give only one of secret, public_key_file and jwks_url")),
                new Case("a JWKS without algorithms", JWKS, List.of("algorithms: required with jwks_url")),
                new Case("alg none", JWKS + "algorithms: [RS256, None]",
                        List.of("algorithms[1]: alg none is never accepted")),
                new Case("an unknown alg", JWKS + "algorithms: [rs256]", List.of("algorithms[0]: unknown algorithm 'rs256'")),
                new Case("a duplicate alg", JWKS + "algorithms: [RS256, RS256]", List.of("algorithms[1]: RS256 is listed twice")),
                new Case("HS256 with a JWKS", JWKS + "algorithms: [RS256, HS256]",
                        List.of("algorithms: HS256, HS384 and HS512 need a secret")),
                new Case("RS256 with a secret", SECRET + "algorithms: [RS256]",
                        List.of("algorithms: with a secret only HS256, HS384 and HS512 can be checked")),
                new Case("a short secret", "secret: short-secret", List.of("secret: too short for HS256: it needs at "
                        + "least 32 bytes (RFC 7518 §3.2), the secret has 12")),
                new Case("a secret too short for HS512", SECRET + "algorithms: [HS256, HS512]",
                        List.of("secret: too short for HS512")),
                new Case("an empty secret (an unset ${JWT_SECRET:})", "secret: \"\"", List.of("secret: must not be empty")),
                new Case("secret_base64 that is not base64", "secret: \"not base64!!\"\nsecret_base64: true",
                        List.of("secret: is not base64 or base64url text")),
                new Case("secret_base64 of 32 bytes", "secret: \"" + "QUFB".repeat(11) + "\"\nsecret_base64: true",
                        List.of()),
                new Case("secret_base64 without a secret", JWKS + "algorithms: [RS256]\nsecret_base64: true",
                        List.of("secret_base64: only with secret")),
                new Case("a jwks_url that is not http", "jwks_url: file:///etc/jwks.json\nalgorithms: [RS256]",
                        List.of("jwks_url: must be an http(s) URL with a host")),
                new Case("intervals", JWKS + "algorithms: [RS256]\nrefresh_interval: 10s\nmin_refresh_interval: 1m\n"
                        + "fetch_timeout: 2m", List.of("min_refresh_interval: must not be longer than refresh_interval",
                        "fetch_timeout: must be at most 1m")),
                new Case("a negative leeway", SECRET + "leeway: -1s", List.of("leeway: ")),
                new Case("a required value that is a list", SECRET + "claims: { roles: [a, b] }",
                        List.of("claims.roles: the required value must be a string, a number or a boolean")),
                new Case("a scope with a space", SECRET + "scopes: [\"a b\"]",
                        List.of("scopes[0]: a scope has no spaces, quotes or backslashes")),
                new Case("forwarding into X-Consumer-Id", SECRET + "forward_claims: { sub: X-Consumer-Id }",
                        List.of("forward_claims.sub: X-Consumer-* headers are set by the gateway")),
                new Case("forwarding into Authorization", SECRET + "forward_claims: { sub: Authorization }",
                        List.of("forward_claims.sub: Authorization may not be set from a claim")),
                new Case("forwarding into an invalid header name", SECRET + "forward_claims: { sub: \"X User\" }",
                        List.of("forward_claims.sub: invalid header name 'X User'")),
                new Case("two claims into one header", SECRET + "forward_claims: { sub: X-User, email: x-user }",
                        List.of("forward_claims: two claims are forwarded in the same header")),
                new Case("a realm with a quote", SECRET + "realm: 'a\"b'", List.of("realm: must be printable ASCII")),
                new Case("an invalid cookie name", SECRET + "cookie: \"a b\"", List.of("cookie: invalid cookie name")),
                new Case("an unknown key", SECRET + "audience: x", List.of("audience: unknown key")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validation(Case c) {
        List<String> problems = TestConfigs.problems(c.yaml());
        assertEquals(c.problems().size(), problems.size(), problems.toString());
        for (int i = 0; i < problems.size(); i++) {
            assertTrue(problems.get(i).startsWith(c.problems().get(i)), problems.get(i));
            assertFalse(problems.get(i).contains(TestTokens.SECRET), "a problem quotes the secret: " + problems.get(i));
        }
    }

    @Test
    void defaults() {
        JwtConfig config = TestConfigs.valid(SECRET);
        assertEquals(List.of(), config.algorithms());
        assertEquals(Duration.ofMinutes(5), config.refreshInterval());
        assertEquals(Duration.ofSeconds(30), config.minRefreshInterval());
        assertEquals(Duration.ofSeconds(5), config.fetchTimeout());
        assertEquals(Duration.ofSeconds(30), config.leeway());
        assertEquals(List.of("exp"), config.requiredClaims());
        assertEquals("scope", config.scopeClaim());
        assertEquals("sub", config.consumerClaim());
        assertEquals("gatehouse", config.realm());
        assertFalse(config.keepCredential());
    }
}
