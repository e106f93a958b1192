package io.gatehouse.plugins.auth.jwt;

/** Where a route's keys come from: one configured key, or a JWKS. Thread-safe. */
interface KeySource {

    /**
     * The key to check a token with. The algorithm is already one the route allows; the key returned fits it (its
     * family, its own {@code alg} and curve).
     *
     * @param algorithm the token's algorithm
     * @param kid       the token's {@code kid}, or {@code null}
     * @return the key, never {@code null}
     * @throws Rejection when no key fits ({@code unknown_key}, {@code ambiguous_key}) or none can be had yet
     *                   ({@code keys_unavailable})
     */
    VerificationKey select(JwsAlgorithm algorithm, String kid) throws Rejection;

    /** @return seconds a client should wait before trying again after {@code keys_unavailable} */
    default long retryAfterSeconds() {
        return 1;
    }

    /** One configured key (a secret or a PEM file): the token's {@code kid} does not matter. */
    record Single(VerificationKey key) implements KeySource {
        @Override
        public VerificationKey select(JwsAlgorithm algorithm, String kid) throws Rejection {
            if (!key.fits(algorithm)) {
                throw new Rejection(Rejection.Reason.UNKNOWN_KEY, "the configured key does not fit " + algorithm);
            }
            return key;
        }
    }
}
