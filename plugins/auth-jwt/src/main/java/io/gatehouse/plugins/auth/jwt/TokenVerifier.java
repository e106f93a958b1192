package io.gatehouse.plugins.auth.jwt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.plugins.auth.jwt.Rejection.Reason;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Checks one compact JWS token, in an order that never lets the token choose how it is checked:
 * <ol>
 *   <li>shape: three parts, each strict base64url (no padding, no other characters, canonical last character);</li>
 *   <li>header: a JSON object (duplicate names refused) whose {@code alg} is on the route's list ({@code none}, in
 *       any case, never is), with no {@code crit} extension and no key of its own ({@code jwk}, {@code jku},
 *       {@code x5u}, {@code x5c});</li>
 *   <li>key: from the route's {@link KeySource}, of the family the algorithm needs (an HMAC token is never checked
 *       against an RSA or EC key, nor the reverse);</li>
 *   <li>signature, by java-jwt, over the parts as sent;</li>
 *   <li>only then the payload: a JSON object of claims, checked by {@link ClaimChecks}.</li>
 * </ol>
 * Thread-safe and immutable.
 */
final class TokenVerifier {

    /** Longer tokens are refused before any parsing. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final List<String> EMBEDDED_KEY_PARAMETERS = List.of("jwk", "jku", "x5u", "x5c");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Set<JwsAlgorithm> allowed;
    private final KeySource keys;
    private final ClaimChecks claims;

    TokenVerifier(Set<JwsAlgorithm> allowed, KeySource keys, ClaimChecks claims) {
        this.allowed = Set.copyOf(allowed);
        this.keys = keys;
        this.claims = claims;
    }

    /**
     * @param token the token as the request carried it
     * @return its claims, once every check passed
     * @throws Rejection why the token is refused
     */
    ObjectNode verify(String token) throws Rejection {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new Rejection(Reason.TOO_LARGE);
        }
        String[] parts = split(token);
        byte[] headerBytes = decode(parts[0]);
        byte[] payloadBytes = decode(parts[1]);
        decode(parts[2]);
        JsonNode header = parse(headerBytes, Reason.MALFORMED);
        JwsAlgorithm algorithm = algorithm(header);
        if (parts[2].isEmpty()) {
            throw new Rejection(Reason.MALFORMED, "no signature");
        }
        VerificationKey key = keys.select(algorithm, kid(header));
        try {
            key.verifier(algorithm).verify(new SigningInput(parts[0], parts[1], parts[2]));
        } catch (RuntimeException e) { // SignatureVerificationException, or a malformed signature it could not read
            throw new Rejection(Reason.BAD_SIGNATURE, algorithm.name());
        }
        ObjectNode verified = (ObjectNode) parse(payloadBytes, Reason.NOT_CLAIMS);
        claims.check(verified);
        return verified;
    }

    private static String[] split(String token) throws Rejection {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw new Rejection(Reason.MALFORMED, "not three parts");
        }
        return new String[]{token.substring(0, first), token.substring(first + 1, second), token.substring(second + 1)};
    }

    /** Strict base64url (RFC 7515 §2): the URL alphabet only, no padding, and the canonical encoding of its bytes. */
    static byte[] decode(String part) throws Rejection {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean alphabet = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_';
            if (!alphabet) {
                throw new Rejection(Reason.MALFORMED, "not base64url");
            }
        }
        if (part.length() % 4 == 1) {
            throw new Rejection(Reason.MALFORMED, "not base64url");
        }
        byte[] bytes = Base64.getUrlDecoder().decode(part);
        if (!ENCODER.encodeToString(bytes).equals(part)) {
            throw new Rejection(Reason.MALFORMED, "not canonical base64url");
        }
        return bytes;
    }

    /** @return the JSON object in {@code bytes}; anything else is refused with {@code reason} */
    private static JsonNode parse(byte[] bytes, Reason reason) throws Rejection {
        try {
            JsonNode node = bytes.length == 0 ? null : JSON.readTree(bytes);
            if (node instanceof ObjectNode) {
                return node;
            }
        } catch (IOException e) {
            // not JSON, invalid UTF-8, a duplicate name, trailing data: all the same to the client
        }
        throw new Rejection(reason);
    }

    private JwsAlgorithm algorithm(JsonNode header) throws Rejection {
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual()) {
            throw new Rejection(Reason.MALFORMED, "no alg");
        }
        if (alg.asText().equalsIgnoreCase("none")) {
            throw new Rejection(Reason.UNSIGNED);
        }
        JwsAlgorithm algorithm = JwsAlgorithm.named(alg.asText()).orElse(null);
        if (algorithm == null || !allowed.contains(algorithm)) {
            throw new Rejection(Reason.ALGORITHM_NOT_ALLOWED, "alg " + Rejection.printable(alg.asText()));
        }
        if (header.has("crit")) {
            throw new Rejection(Reason.CRITICAL_EXTENSION);
        }
        for (String parameter : EMBEDDED_KEY_PARAMETERS) {
            if (header.has(parameter)) {
                throw new Rejection(Reason.EMBEDDED_KEY, parameter);
            }
        }
        return algorithm;
    }

    private static String kid(JsonNode header) throws Rejection {
        JsonNode kid = header.get("kid");
        if (kid == null) {
            return null;
        }
        if (!kid.isTextual()) {
            throw new Rejection(Reason.MALFORMED, "kid is not a string");
        }
        return kid.asText();
    }
}
