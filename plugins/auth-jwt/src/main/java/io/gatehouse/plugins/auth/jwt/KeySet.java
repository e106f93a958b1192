package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.plugins.auth.jwt.Rejection.Reason;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys of one JWKS fetch. Immutable.
 *
 * @param keys   the usable keys, in the document's order
 * @param loaded whether a fetch has succeeded; {@code false} only for {@link #NONE}
 */
record KeySet(List<VerificationKey> keys, boolean loaded) {

    /** Before the first successful fetch. */
    static final KeySet NONE = new KeySet(List.of(), false);

    KeySet {
        keys = List.copyOf(keys);
    }

    int size() {
        return keys.size();
    }

    /** @return the keys' ids, in order ({@code -} for a key without one) */
    List<String> kids() {
        return keys.stream().map(key -> key.kid() == null ? "-" : key.kid()).toList();
    }

    /**
     * The key for a token: with a {@code kid}, the first key of that id that fits the algorithm; without one, the
     * only key that fits it.
     *
     * @return the key, or {@code null} when none fits
     * @throws Rejection {@code ambiguous_key} for a token without {@code kid} that several keys fit
     */
    VerificationKey find(JwsAlgorithm algorithm, String kid) throws Rejection {
        List<VerificationKey> fitting = new ArrayList<>(1);
        for (VerificationKey key : keys) {
            if ((kid == null || kid.equals(key.kid())) && key.fits(algorithm)) {
                if (kid != null) {
                    return key;
                }
                fitting.add(key);
            }
        }
        if (fitting.size() > 1) {
            throw new Rejection(Reason.AMBIGUOUS_KEY, fitting.size() + " keys fit " + algorithm);
        }
        return fitting.isEmpty() ? null : fitting.getFirst();
    }
}
