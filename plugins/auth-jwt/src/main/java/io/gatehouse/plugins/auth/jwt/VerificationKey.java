package io.gatehouse.plugins.auth.jwt;

import com.auth0.jwt.algorithms.Algorithm;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * One key a route checks signatures with, and the algorithms it may check: those of its family that the route
 * allows, narrowed to its own {@code alg} when a JWK named one, and for an EC key to its curve's algorithm. The
 * verifiers are built once, when the key is loaded. Immutable.
 */
final class VerificationKey {

    /** RFC 7518 §3.3 and §3.5: an RSA key for RS* and PS* has at least 2048 bits. */
    static final int MIN_RSA_BITS = 2048;

    private final String kid;
    private final JwsAlgorithm.Family family;
    private final Map<JwsAlgorithm, Algorithm> verifiers;

    private VerificationKey(String kid, JwsAlgorithm.Family family, Map<JwsAlgorithm, Algorithm> verifiers) {
        this.kid = kid;
        this.family = family;
        this.verifiers = verifiers;
    }

    /**
     * @param secret  the HMAC key bytes
     * @param allowed the route's algorithms
     */
    static VerificationKey secret(byte[] secret, Set<JwsAlgorithm> allowed) {
        return build(null, JwsAlgorithm.Family.HMAC, null, null, secret.clone(), allowed);
    }

    /**
     * @param kid     the key's id, or {@code null}
     * @param alg     the one algorithm the key is for (a JWK's {@code alg}), or {@code null} for any of its family
     * @param key     an RSA or EC public key
     * @param allowed the route's algorithms
     * @throws IllegalArgumentException if the key is of another type, an RSA key is shorter than 2048 bits or has an
     *                                  unusable exponent, or an EC key is on a curve other than P-256, P-384, P-521
     */
    static VerificationKey publicKey(String kid, JwsAlgorithm alg, PublicKey key, Set<JwsAlgorithm> allowed) {
        if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new IllegalArgumentException("the RSA key has " + rsa.getModulus().bitLength()
                        + " bits; at least " + MIN_RSA_BITS + " are required");
            }
            BigInteger e = rsa.getPublicExponent();
            if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0)) {
                throw new IllegalArgumentException("the RSA key's public exponent is not usable");
            }
            return build(kid, JwsAlgorithm.Family.RSA, alg, null, rsa, allowed);
        }
        if (key instanceof ECPublicKey ec) {
            EcCurve curve = EcCurve.of(ec).orElseThrow(() ->
                    new IllegalArgumentException("the EC key is on a curve other than P-256, P-384 and P-521"));
            return build(kid, JwsAlgorithm.Family.EC, alg, curve, ec, allowed);
        }
        throw new IllegalArgumentException("the key is neither an RSA nor an EC key (" + key.getAlgorithm() + ")");
    }

    private static VerificationKey build(String kid, JwsAlgorithm.Family family, JwsAlgorithm only, EcCurve curve,
                                         Object material, Set<JwsAlgorithm> allowed) {
        Map<JwsAlgorithm, Algorithm> verifiers = new EnumMap<>(JwsAlgorithm.class);
        for (JwsAlgorithm algorithm : allowed) {
            boolean fits = algorithm.family() == family && (only == null || only == algorithm)
                    && algorithm.curve() == curve;
            if (fits) {
                verifiers.put(algorithm, algorithm.verifier(material));
            }
        }
        return new VerificationKey(kid, family, verifiers);
    }

    /** @return the key's id, or {@code null} */
    String kid() {
        return kid;
    }

    JwsAlgorithm.Family family() {
        return family;
    }

    /** @return whether the key can check a token of this algorithm on this route */
    boolean fits(JwsAlgorithm algorithm) {
        return verifiers.containsKey(algorithm);
    }

    /** @return java-jwt's verifier of this algorithm with this key, or {@code null} if the key does not fit it */
    Algorithm verifier(JwsAlgorithm algorithm) {
        return verifiers.get(algorithm);
    }

    /** @return whether the key fits none of the route's algorithms, so it is of no use */
    boolean useless() {
        return verifiers.isEmpty();
    }
}
