package io.gatehouse.plugins.auth.jwt;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Optional;

/** The NIST curves of ES256, ES384 and ES512, with the checks a public key from outside must pass. */
enum EcCurve {
    P256("P-256", "secp256r1", 32), P384("P-384", "secp384r1", 48), P521("P-521", "secp521r1", 66);

    private final String jwkName;
    private final int coordinateBytes;
    private final ECParameterSpec params;

    EcCurve(String jwkName, String jdkName, int coordinateBytes) {
        this.jwkName = jwkName;
        this.coordinateBytes = coordinateBytes;
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(jdkName));
            this.params = parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks the curve " + jdkName, e);
        }
    }

    /** @return the curve a JWK's {@code crv} names, or empty */
    static Optional<EcCurve> ofJwk(String crv) {
        for (EcCurve curve : values()) {
            if (curve.jwkName.equals(crv)) {
                return Optional.of(curve);
            }
        }
        return Optional.empty();
    }

    /** @return the curve of a key, or empty when it is on none of these three */
    static Optional<EcCurve> of(ECPublicKey key) {
        ECParameterSpec spec = key.getParams();
        for (EcCurve curve : values()) {
            if (curve.params.getOrder().equals(spec.getOrder()) && curve.params.getCurve().equals(spec.getCurve())
                    && curve.params.getGenerator().equals(spec.getGenerator())) {
                return Optional.of(curve);
            }
        }
        return Optional.empty();
    }

    String jwkName() {
        return jwkName;
    }

    /** @return how many bytes a JWK's {@code x} and {@code y} hold on this curve */
    int coordinateBytes() {
        return coordinateBytes;
    }

    /**
     * Builds a public key from its coordinates, after checking that the point lies on the curve.
     *
     * @throws IllegalArgumentException if it does not, or a coordinate is out of the field
     */
    ECPublicKey publicKey(BigInteger x, BigInteger y) throws GeneralSecurityException {
        if (!contains(x, y)) {
            throw new IllegalArgumentException("the point is not on " + jwkName);
        }
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
    }

    /** @return whether (x, y) is a point of the curve: y² = x³ + ax + b (mod p), with both in [0, p) */
    boolean contains(BigInteger x, BigInteger y) {
        BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(params.getCurve().getA().multiply(x)).add(params.getCurve().getB()).mod(p);
        return left.equals(right);
    }
}
