package io.gatehouse.plugins.auth.jwt;

import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;

import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The three parts of a compact JWS, handed to java-jwt's {@link com.auth0.jwt.algorithms.Algorithm#verify} so that
 * it checks the signature over the parts exactly as sent. java-jwt only reads the encoded header, payload and
 * signature from it; the token's claims are never read through it, because the signature is checked before the
 * payload is parsed at all (see {@link TokenVerifier}).
 */
record SigningInput(String header, String payload, String signature) implements DecodedJWT {

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("SigningInput carries the signed parts only");
    }

    @Override
    public String getHeader() {
        return header;
    }

    @Override
    public String getPayload() {
        return payload;
    }

    @Override
    public String getSignature() {
        return signature;
    }

    @Override
    public String getKeyId() {
        return null; // each verifier holds exactly one key; the token does not choose it
    }

    @Override
    public String getToken() {
        throw unused();
    }

    @Override
    public String getAlgorithm() {
        throw unused();
    }

    @Override
    public String getType() {
        throw unused();
    }

    @Override
    public String getContentType() {
        throw unused();
    }

    @Override
    public Claim getHeaderClaim(String name) {
        throw unused();
    }

    @Override
    public String getIssuer() {
        throw unused();
    }

    @Override
    public String getSubject() {
        throw unused();
    }

    @Override
    public List<String> getAudience() {
        throw unused();
    }

    @Override
    public Date getExpiresAt() {
        throw unused();
    }

    @Override
    public Date getNotBefore() {
        throw unused();
    }

    @Override
    public Date getIssuedAt() {
        throw unused();
    }

    @Override
    public String getId() {
        throw unused();
    }

    @Override
    public Claim getClaim(String name) {
        throw unused();
    }

    @Override
    public Map<String, Claim> getClaims() {
        throw unused();
    }
}
