package io.gatehouse.plugins.auth.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.plugins.auth.jwt.Rejection.Reason;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks on a token's claims, after its signature was found valid, in this order: time ({@code exp},
 * {@code nbf}, {@code iat}, each with the leeway), issuer, audience, required claims, required values, the consumer
 * claim, and last the scopes, so that a token refused for anything else gets 401 before a 403 for its scopes.
 * Immutable; the time comes from the injected clock.
 */
final class ClaimChecks {

    private final Clock clock;
    private final double leewaySeconds;
    private final String issuer;
    private final Set<String> audiences;
    private final List<String> requiredClaims;
    private final Map<String, Object> values;
    private final String consumerClaim;
    private final List<String> scopes;
    private final String scopeClaim;

    ClaimChecks(JwtConfig config, Clock clock) {
        this.clock = clock;
        this.leewaySeconds = config.leeway().toMillis() / 1000.0;
        this.issuer = config.issuer();
        this.audiences = Set.copyOf(config.audiences());
        this.requiredClaims = List.copyOf(config.requiredClaims());
        this.values = config.claims();
        this.consumerClaim = config.consumerClaim();
        this.scopes = List.copyOf(config.scopes());
        this.scopeClaim = config.scopeClaim();
    }

    /** @throws Rejection for the first check the claims fail */
    void check(ObjectNode claims) throws Rejection {
        checkTime(claims);
        if (issuer != null) {
            JsonNode iss = claims.get("iss");
            if (iss == null || !iss.isTextual() || !iss.asText().equals(issuer)) {
                throw new Rejection(Reason.WRONG_ISSUER);
            }
        }
        if (!audiences.isEmpty() && !anyAudience(claims.get("aud"))) {
            throw new Rejection(Reason.WRONG_AUDIENCE);
        }
        for (String name : requiredClaims) {
            if (!claims.hasNonNull(name)) {
                throw new Rejection(Reason.MISSING_CLAIM, name);
            }
        }
        for (Map.Entry<String, Object> required : values.entrySet()) {
            JsonNode actual = claims.get(required.getKey());
            if (actual == null || !matches(actual, required.getValue())) {
                throw new Rejection(actual == null ? Reason.MISSING_CLAIM : Reason.CLAIM_MISMATCH, required.getKey());
            }
        }
        if (consumerId(claims) == null) {
            throw new Rejection(Reason.NO_CONSUMER, consumerClaim);
        }
        if (!scopes.isEmpty()) {
            Set<String> granted = new LinkedHashSet<>();
            for (String scope : strings(claims.get(scopeClaim))) {
                granted.addAll(List.of(scope.trim().split(" +")));
            }
            if (!granted.containsAll(scopes)) {
                throw new Rejection(Reason.INSUFFICIENT_SCOPE);
            }
        }
    }

    /** @return the scopes a route requires, for the challenge of a 403 */
    List<String> scopes() {
        return scopes;
    }

    /**
     * @return the consumer's id: the consumer claim when it is a non-blank string of printable ASCII (it becomes
     * a header value and a log field), otherwise {@code null}
     */
    String consumerId(ObjectNode claims) {
        JsonNode id = claims.get(consumerClaim);
        return id != null && id.isTextual() && !id.asText().isBlank() && printableAscii(id.asText()) ? id.asText() : null;
    }

    /** @return whether the text can go into a header value and a log line as it is: printable ASCII only */
    static boolean printableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code aud} (a string or an array of them) names one of the accepted audiences. */
    private boolean anyAudience(JsonNode aud) {
        for (String audience : strings(aud)) {
            if (audiences.contains(audience)) {
                return true;
            }
        }
        return false;
    }

    private void checkTime(ObjectNode claims) throws Rejection {
        double now = clock.millis() / 1000.0;
        Double exp = seconds(claims, "exp");
        Double nbf = seconds(claims, "nbf");
        Double iat = seconds(claims, "iat");
        if (exp != null && now - leewaySeconds >= exp) {
            throw new Rejection(Reason.EXPIRED);
        }
        if (nbf != null && now + leewaySeconds < nbf) {
            throw new Rejection(Reason.NOT_YET_VALID);
        }
        if (iat != null && iat > now + leewaySeconds) {
            throw new Rejection(Reason.ISSUED_IN_FUTURE);
        }
    }

    /** @return a NumericDate claim in seconds, or {@code null} when absent */
    private static Double seconds(ObjectNode claims, String name) throws Rejection {
        JsonNode value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw new Rejection(Reason.BAD_TIME_CLAIM, name);
        }
        return value.doubleValue();
    }

    /** @return a claim that is a string or an array of strings, as a list; the non-strings of an array are left out */
    static List<String> strings(JsonNode claim) {
        List<String> out = new ArrayList<>();
        if (claim == null) {
            return out;
        }
        if (claim.isTextual()) {
            out.add(claim.asText());
        } else if (claim.isArray()) {
            for (JsonNode element : claim) {
                if (element.isTextual()) {
                    out.add(element.asText());
                }
            }
        }
        return out;
    }

    /** A scalar claim equals the expected value; an array claim holds it. Types must agree: "1" is not 1. */
    static boolean matches(JsonNode actual, Object expected) {
        if (actual.isArray()) {
            for (JsonNode element : actual) {
                if (matches(element, expected)) {
                    return true;
                }
            }
            return false;
        }
        if (expected instanceof String text) {
            return actual.isTextual() && actual.asText().equals(text);
        }
        if (expected instanceof Boolean flag) {
            return actual.isBoolean() && actual.booleanValue() == flag;
        }
        if (expected instanceof Number number) {
            return actual.isNumber() && actual.decimalValue().compareTo(new BigDecimal(number.toString())) == 0;
        }
        return false;
    }
}
