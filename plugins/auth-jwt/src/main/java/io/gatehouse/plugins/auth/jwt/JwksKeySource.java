package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.plugins.auth.jwt.Rejection.Reason;

/**
 * Keys from a {@link JwksCache}: a token naming a key the cache lacks makes it fetch again (rate-limited there);
 * while no fetch has ever succeeded, tokens are answered 503.
 */
final class JwksKeySource implements KeySource {

    private final JwksCache cache;

    JwksKeySource(JwksCache cache) {
        this.cache = cache;
    }

    @Override
    public VerificationKey select(JwsAlgorithm algorithm, String kid) throws Rejection {
        KeySet keys = cache.keys();
        VerificationKey key = keys.find(algorithm, kid);
        if (key == null) {
            try {
                keys = cache.refresh();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Rejection(Reason.KEYS_UNAVAILABLE, "interrupted");
            }
            key = keys.find(algorithm, kid);
        }
        if (key != null) {
            return key;
        }
        if (!keys.loaded()) {
            throw new Rejection(Reason.KEYS_UNAVAILABLE, "no JWKS fetched yet");
        }
        throw new Rejection(Reason.UNKNOWN_KEY, "kid " + Rejection.printable(kid) + ", alg " + algorithm);
    }

    @Override
    public long retryAfterSeconds() {
        return cache.retryAfterSeconds();
    }
}
