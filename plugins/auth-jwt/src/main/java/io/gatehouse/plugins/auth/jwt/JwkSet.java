package io.gatehouse.plugins.auth.jwt;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Reads a JSON Web Key Set (RFC 7517) into the keys a route can use. A key is used only if it is for signatures
 * ({@code use} absent or {@code sig}; {@code key_ops} absent or holding {@code verify}), is an RSA key of at least
 * 2048 bits or an EC key on P-256, P-384 or P-521 (a valid point), names no {@code alg} or a known one, and fits one of
 * the route's algorithms. Symmetric ({@code oct}) keys are never taken from a JWKS. Every other key is skipped, with
 * the reason.
 */
final class JwkSet {

    /** The keys read, and why others were skipped. */
    record Parsed(List<VerificationKey> keys, List<String> skipped) {
    }

    private JwkSet() {
    }

    /**
     * @param document the JWKS document
     * @param allowed  the route's algorithms
     * @throws IOException if the document is not a JSON object with a {@code keys} array
     */
    static Parsed parse(byte[] document, Set<JwsAlgorithm> allowed) throws IOException {
        JsonNode root = TokenVerifier.JSON.readTree(document);
        JsonNode keys = root == null ? null : root.get("keys");
        if (keys == null || !keys.isArray()) {
            throw new IOException("not a JSON Web Key Set: no \"keys\" array");
        }
        List<VerificationKey> usable = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode jwk : keys) {
            String kid = jwk.path("kid").isTextual() ? jwk.get("kid").asText() : null;
            try {
                VerificationKey key = key(jwk, kid, allowed);
                if (key.useless()) {
                    skipped.add(name(kid) + ": fits none of the route's algorithms");
                } else {
                    usable.add(key);
                }
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                skipped.add(name(kid) + ": " + (e instanceof IllegalArgumentException ? e.getMessage() : "invalid key"));
            }
        }
        return new Parsed(List.copyOf(usable), List.copyOf(skipped));
    }

    private static String name(String kid) {
        return "kid " + Rejection.printable(kid);
    }

    private static VerificationKey key(JsonNode jwk, String kid, Set<JwsAlgorithm> allowed)
            throws GeneralSecurityException {
        if (!jwk.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (jwk.has("use") && !"sig".equals(jwk.get("use").asText())) {
            throw new IllegalArgumentException("use is not sig");
        }
        if (jwk.has("key_ops") && ClaimChecks.strings(jwk.get("key_ops")).stream().noneMatch("verify"::equals)) {
            throw new IllegalArgumentException("key_ops lacks verify");
        }
        JwsAlgorithm alg = null;
        if (jwk.has("alg")) {
            alg = JwsAlgorithm.named(jwk.get("alg").asText()).orElseThrow(() ->
                    new IllegalArgumentException("alg " + Rejection.printable(jwk.get("alg").asText()) + " is unknown"));
        }
        String kty = jwk.path("kty").asText();
        PublicKey publicKey = switch (kty) {
            case "RSA" -> KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(integer(jwk, "n", 0), integer(jwk, "e", 0)));
            case "EC" -> {
                EcCurve curve = EcCurve.ofJwk(jwk.path("crv").asText()).orElseThrow(() ->
                        new IllegalArgumentException("crv is not P-256, P-384 or P-521"));
                yield curve.publicKey(integer(jwk, "x", curve.coordinateBytes()),
                        integer(jwk, "y", curve.coordinateBytes()));
            }
            default -> throw new IllegalArgumentException("kty " + Rejection.printable(kty) + " is not used");
        };
        return VerificationKey.publicKey(kid, alg, publicKey, allowed);
    }

    /** @param length the exact number of bytes the member must hold, or 0 for any */
    private static BigInteger integer(JsonNode jwk, String member, int length) {
        JsonNode value = jwk.get(member);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(member + " is missing");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(member + " is not base64url");
        }
        if (bytes.length == 0 || length > 0 && bytes.length != length) {
            throw new IllegalArgumentException(member + " has the wrong length");
        }
        return new BigInteger(1, bytes);
    }
}
