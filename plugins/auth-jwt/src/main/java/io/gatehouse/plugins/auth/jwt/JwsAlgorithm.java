package io.gatehouse.plugins.auth.jwt;

import com.auth0.jwt.algorithms.Algorithm;

import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;

/**
 * The JWS algorithms {@code filter.jwt} accepts (RFC 7518 §3.1, without {@code none}), each with the key family it
 * needs. Signatures are checked by java-jwt's {@link Algorithm}s; which one checks a token, and with which key, is
 * decided here from the route's config, never from the token alone.
 */
enum JwsAlgorithm {
    HS256(Family.HMAC, 32, null), HS384(Family.HMAC, 48, null), HS512(Family.HMAC, 64, null),
    RS256(Family.RSA, 0, null), RS384(Family.RSA, 0, null), RS512(Family.RSA, 0, null),
    PS256(Family.RSA, 0, null), PS384(Family.RSA, 0, null), PS512(Family.RSA, 0, null),
    ES256(Family.EC, 0, EcCurve.P256), ES384(Family.EC, 0, EcCurve.P384), ES512(Family.EC, 0, EcCurve.P521);

    /** The kind of key an algorithm needs. */
    enum Family {
        HMAC("an HMAC secret"), RSA("an RSA public key"), EC("an EC public key");

        private final String description;

        Family(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    private final Family family;
    private final int minSecretBytes;
    private final EcCurve curve;

    JwsAlgorithm(Family family, int minSecretBytes, EcCurve curve) {
        this.family = family;
        this.minSecretBytes = minSecretBytes;
        this.curve = curve;
    }

    /**
     * @param name an {@code alg} value, compared exactly (JWA names are case-sensitive)
     * @return the algorithm, or empty for anything else, {@code none} included
     */
    static Optional<JwsAlgorithm> named(String name) {
        for (JwsAlgorithm algorithm : values()) {
            if (algorithm.name().equals(name)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /** @return the algorithms of a family, in declaration order */
    static List<JwsAlgorithm> of(Family family) {
        return java.util.Arrays.stream(values()).filter(a -> a.family == family).toList();
    }

    Family family() {
        return family;
    }

    /** @return for HMAC, the least secret length RFC 7518 §3.2 allows (the hash's size); 0 otherwise */
    int minSecretBytes() {
        return minSecretBytes;
    }

    /** @return for ECDSA, the curve the key must be on; {@code null} otherwise */
    EcCurve curve() {
        return curve;
    }

    /**
     * java-jwt's verifier of this algorithm with this key.
     *
     * @param key a {@code byte[]} secret, an {@link RSAPublicKey} or an {@link ECPublicKey}, of this family
     */
    Algorithm verifier(Object key) {
        return switch (this) {
            case HS256 -> Algorithm.HMAC256((byte[]) key);
            case HS384 -> Algorithm.HMAC384((byte[]) key);
            case HS512 -> Algorithm.HMAC512((byte[]) key);
            case RS256 -> Algorithm.RSA256((RSAPublicKey) key, null);
            case RS384 -> Algorithm.RSA384((RSAPublicKey) key, null);
            case RS512 -> Algorithm.RSA512((RSAPublicKey) key, null);
            case PS256 -> Algorithm.RSA256PSS((RSAPublicKey) key, null);
            case PS384 -> Algorithm.RSA384PSS((RSAPublicKey) key, null);
            case PS512 -> Algorithm.RSA512PSS((RSAPublicKey) key, null);
            case ES256 -> Algorithm.ECDSA256((ECPublicKey) key, null);
            case ES384 -> Algorithm.ECDSA384((ECPublicKey) key, null);
            case ES512 -> Algorithm.ECDSA512((ECPublicKey) key, null);
        };
    }
}
