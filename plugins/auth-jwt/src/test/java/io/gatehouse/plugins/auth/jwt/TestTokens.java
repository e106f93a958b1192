package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.testkit.TestClock;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Keys and tokens for tests, minted with Nimbus JOSE+JWT (not the library under test) or built by hand from
 * segments. Times are relative to {@link #NOW}, the time of the tests' {@link TestClock}.
 */
final class TestTokens {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String ISSUER = "https://issuer.example/";
    static final String AUDIENCE = "orders-api";
    /** The HMAC secret of the tests' secret routes: 40 bytes of text. */
    static final String SECRET = "test-secret-that-is-long-enough-for-hs256";

    final RSAKey rsa = rsa("rsa-1");
    final ECKey ec = ec("ec-1", Curve.P_256);
    /** Another RSA key that a JWKS does not hold. */
    final RSAKey stranger = rsa("rsa-1");

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid, Curve curve) {
        try {
            return new ECKeyGenerator(curve).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the public JWKS of the given keys */
    static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys).stream().map(JWK::toPublicJWK).toList()).toString();
    }

    /** Claims every route of the tests accepts: subject alice, the issuer and audience, valid for an hour. */
    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .subject("alice")
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(Date.from(NOW.minusSeconds(60)))
                .expirationTime(Date.from(NOW.plus(Duration.ofHours(1))))
                .claim("scope", "orders.read orders.write");
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWSAlgorithm alg, JWK key, JWTClaimsSet claims) {
        return sign(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims, signer(key));
    }

    static JWSSigner signer(JWK key) {
        try {
            if (key instanceof RSAKey rsa) {
                return new RSASSASigner(rsa);
            }
            return new ECDSASigner((ECKey) key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hs256(byte[] secret, JWTClaimsSet claims) {
        return hs(JWSAlgorithm.HS256, secret, claims);
    }

    static String hs(JWSAlgorithm alg, byte[] secret, JWTClaimsSet claims) {
        try {
            return sign(new JWSHeader.Builder(alg).build(), claims, new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A token built by hand: the header and payload as given, HMAC-SHA256 signed with {@code secret}. */
    static String handSigned(String headerJson, String payloadJson, byte[] secret) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] signature = mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The payload of a valid token, as JSON text. */
    static String payload(JWTClaimsSet claims) {
        return claims.toString();
    }

    static byte[] secretBytes() {
        return SECRET.getBytes(StandardCharsets.UTF_8);
    }
}
