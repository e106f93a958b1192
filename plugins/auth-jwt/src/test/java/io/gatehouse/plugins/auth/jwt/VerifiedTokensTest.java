package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.testkit.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The verified-token cache: a token's signature is checked once per {@code cache_ttl}, its claims on every request;
 * nothing but a token that passed is remembered. Keys are counted at the key source: one selection per signature
 * check.
 */
class VerifiedTokensTest {

    private final TestClock clock = new TestClock(TestTokens.NOW);
    private final AtomicInteger signatureChecks = new AtomicInteger();

    private VerifiedTokens tokens(String yaml) {
        JwtConfig config = TestConfigs.valid("secret: \"" + TestTokens.SECRET + "\"\n" + yaml);
        VerificationKey key = VerificationKey.secret(TestTokens.secretBytes(), EnumSet.of(JwsAlgorithm.HS256));
        KeySource counting = (algorithm, kid) -> {
            signatureChecks.incrementAndGet();
            return key;
        };
        ClaimChecks claims = new ClaimChecks(config, clock);
        return new VerifiedTokens(new TokenVerifier(EnumSet.of(JwsAlgorithm.HS256), counting, claims), claims,
                config.cacheTtl(), config.cacheSize(), clock);
    }

    private static String token(Duration lifetime) {
        return TestTokens.hs256(TestTokens.secretBytes(), TestTokens.claims()
                .expirationTime(java.util.Date.from(TestTokens.NOW.plus(lifetime))).build());
    }

    @Test
    void aTokenSentAgainIsNotCheckedAgainWithinTheTtl() throws Exception {
        VerifiedTokens tokens = tokens("");
        String token = token(Duration.ofHours(1));
        for (int i = 0; i < 100; i++) {
            assertEquals("alice", tokens.verify(token).get("sub").asText());
        }
        assertEquals(1, signatureChecks.get());
        clock.advance(Duration.ofSeconds(61));
        tokens.verify(token);
        assertEquals(2, signatureChecks.get(), "after cache_ttl (60s by default) the signature is checked again");
    }

    @Test
    void aRememberedTokenIsRefusedTheMomentItExpires() throws Exception {
        VerifiedTokens tokens = tokens("leeway: 0s\ncache_ttl: 10m\n");
        String token = token(Duration.ofSeconds(30));
        tokens.verify(token);
        clock.advance(Duration.ofSeconds(31));
        Rejection expired = assertThrows(Rejection.class, () -> tokens.verify(token));
        assertEquals(Rejection.Reason.EXPIRED, expired.reason());
        assertEquals(0, tokens.size(), "the expired token is forgotten");
    }

    @Test
    void aTamperedCopyOfARememberedTokenIsCheckedAndRefused() throws Exception {
        VerifiedTokens tokens = tokens("");
        String token = token(Duration.ofHours(1));
        tokens.verify(token);
        int at = token.length() - 10;   // inside the signature, away from its last (padding-sensitive) character
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        assertThrows(Rejection.class, () -> tokens.verify(tampered));
        assertEquals(2, signatureChecks.get());
        assertEquals(1, tokens.size(), "a refused token is not remembered");
    }

    @Test
    void cacheSizeBoundsWhatIsRememberedAndZeroTurnsItOff() throws Exception {
        VerifiedTokens bounded = tokens("cache_size: 5\n");
        for (int i = 0; i < 50; i++) {
            bounded.verify(token(Duration.ofMinutes(10 + i)));
        }
        assertEquals(5, bounded.size());

        signatureChecks.set(0);
        VerifiedTokens off = tokens("cache_ttl: 0s\n");
        String token = token(Duration.ofHours(1));
        off.verify(token);
        off.verify(token);
        assertEquals(2, signatureChecks.get());
    }

    @Test
    void badCacheSettingsAreConfigProblems() {
        assertEquals(java.util.List.of("cache_ttl", "cache_size"),
                TestConfigs.problems("secret: \"" + TestTokens.SECRET + "\"\ncache_ttl: 2h\ncache_size: -1\n")
                        .stream().map(p -> p.substring(0, p.indexOf(':'))).toList());
    }
}
