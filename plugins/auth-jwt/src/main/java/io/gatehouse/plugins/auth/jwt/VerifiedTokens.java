package io.gatehouse.plugins.auth.jwt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/**
 * Remembers, for {@code cache_ttl}, the tokens whose signature was verified, so that a client sending the same
 * token again costs a SHA-256 and a lookup instead of an RSA or EC signature check (as Envoy's {@code jwt_cache}
 * does). The claims of a remembered token are checked again on every request, against the clock: an expired token
 * is refused the moment it expires, cached or not. Only tokens that passed every check are remembered; a refused
 * token is checked in full each time.
 *
 * <p>Keyed by the SHA-256 of the token, never the token: a lookup compares digests, so its timing says nothing about
 * a remembered token, and the cache holds no credential. Bounded by {@code cache_size}; thread-safe.
 */
final class VerifiedTokens {

    private final TokenVerifier verifier;
    private final ClaimChecks claims;
    private final Cache<Digest, ObjectNode> verified;

    /**
     * @param ttl     how long a verified token is remembered; zero for no cache
     * @param size    how many are remembered at most; zero for no cache
     * @param clock   the clock the claims are checked against; the cache's expiry follows it too
     */
    VerifiedTokens(TokenVerifier verifier, ClaimChecks claims, Duration ttl, int size, Clock clock) {
        this.verifier = verifier;
        this.claims = claims;
        this.verified = ttl.isZero() || size == 0 ? null : Caffeine.newBuilder()
                .maximumSize(size)
                .expireAfterWrite(ttl)
                .ticker(() -> clock.millis() * 1_000_000L)
                // upkeep on the calling thread: handed to the common pool, it woke a pool thread every few hundred
                // requests (0.15 futex calls a request on the typical chain)
                .executor(Runnable::run)
                .build();
    }

    /**
     * @param token the token as the request carried it
     * @return its claims, once every check passed (now, or for the signature, within {@code cache_ttl})
     * @throws Rejection why the token is refused
     */
    ObjectNode verify(String token) throws Rejection {
        if (verified == null || token.length() > TokenVerifier.MAX_TOKEN_CHARS) {
            return verifier.verify(token);
        }
        Digest key = Digest.of(token);
        ObjectNode remembered = verified.getIfPresent(key);
        if (remembered != null) {
            try {
                claims.check(remembered);
                return remembered;
            } catch (Rejection expired) {
                verified.invalidate(key);
                throw expired;
            }
        }
        ObjectNode fresh = verifier.verify(token);
        verified.put(key, fresh);
        return fresh;
    }

    /** How many tokens are remembered now (for tests). */
    long size() {
        if (verified == null) {
            return 0;
        }
        verified.cleanUp();
        return verified.estimatedSize();
    }

    /** A token's SHA-256. */
    private record Digest(byte[] bytes) {
        /** Cloned per token: a provider lookup (and its algorithm-constraints check) per request costs more. */
        private static final MessageDigest SHA_256;

        static {
            try {
                SHA_256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        static Digest of(String token) {
            MessageDigest digest;
            try {
                digest = (MessageDigest) SHA_256.clone();
            } catch (CloneNotSupportedException e) {
                try {
                    digest = MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException impossible) {
                    throw new IllegalStateException("every JDK has SHA-256", impossible);
                }
            }
            return new Digest(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Digest digest && MessageDigest.isEqual(bytes, digest.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
