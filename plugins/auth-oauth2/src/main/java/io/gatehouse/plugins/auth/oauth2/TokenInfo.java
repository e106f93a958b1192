package io.gatehouse.plugins.auth.oauth2;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an introspection answer says about a token, reduced to what the filter's config uses: whether it is active,
 * its expiry, scopes, issuer and audiences, and the consumer it names (id, groups, kept attributes, forwarded
 * header values). This, not the answer's JSON, is what the cache holds. Claim values that could not travel in a
 * header (an object, text with control characters) are left out.
 *
 * @param active     the answer's {@code active}
 * @param expiresAt  its {@code exp}, or {@code null} when it has none
 * @param scopes     its scopes (the configured scope claim)
 * @param issuer     its {@code iss}, or {@code null}
 * @param audiences  its {@code aud}
 * @param consumerId the first usable configured consumer claim, or {@code null} when there is none
 * @param groups     the configured groups claim's values
 * @param attributes the configured attribute claims that are present, by claim name
 * @param forwarded  the values of the forwarded claims that are present, by header name
 */
record TokenInfo(boolean active, Instant expiresAt, Set<String> scopes, String issuer, List<String> audiences,
                 String consumerId, List<String> groups, Map<String, String> attributes,
                 Map<String, String> forwarded) {

    /** The answer for a token the server does not know, has revoked or lets expire. */
    static final TokenInfo INACTIVE = new TokenInfo(false, null, Set.of(), null, List.of(), null, List.of(),
            Map.of(), Map.of());

    /** 9999-12-31T23:59:59Z: an {@code exp} beyond it is taken as this. */
    private static final long LATEST_EXP = 253_402_300_799L;

    /** Thrown for an answer that is not an RFC 7662 introspection response. */
    static final class MalformedAnswer extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedAnswer(String what) {
            super(what, null, false, false);
        }
    }

    /**
     * Reads an introspection answer.
     *
     * @param answer the parsed JSON body
     * @param config what to keep of it
     * @return the token's information; {@link #INACTIVE} for {@code "active": false}
     * @throws MalformedAnswer if the answer is not a JSON object with a boolean {@code active}, or its {@code exp}
     *                         is not a number
     */
    static TokenInfo from(JsonNode answer, IntrospectionConfig config) throws MalformedAnswer {
        if (answer == null || !answer.isObject()) {
            throw new MalformedAnswer("the answer is not a JSON object");
        }
        JsonNode active = answer.get("active");
        if (active == null || !active.isBoolean()) {
            throw new MalformedAnswer("the answer has no boolean 'active'");
        }
        if (!active.booleanValue()) {
            return INACTIVE;
        }
        JsonNode exp = answer.get("exp");
        if (exp != null && !exp.isNull() && !(exp.isNumber() && exp.canConvertToLong())) {
            throw new MalformedAnswer("its 'exp' is not a number of seconds");
        }
        Instant expiresAt = exp == null || exp.isNull() ? null
                : Instant.ofEpochSecond(Math.clamp(exp.asLong(), 0, LATEST_EXP));
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String claim : config.attributes()) {
            putIfPresent(attributes, claim, text(answer.get(claim)));
        }
        Map<String, String> forwarded = new LinkedHashMap<>();
        config.forwardClaims().forEach((claim, header) -> putIfPresent(forwarded, header, text(answer.get(claim))));
        return new TokenInfo(true, expiresAt, new LinkedHashSet<>(words(answer.get(config.scopeClaim()))),
                text(answer.get("iss")), words(answer.get("aud")), consumerId(answer, config.consumerClaims()),
                config.groupsClaim() == null ? List.of() : groups(answer.get(config.groupsClaim())),
                Collections.unmodifiableMap(attributes), Collections.unmodifiableMap(forwarded));
    }

    /**
     * @param now the time to judge by
     * @return whether the token is active and not past its {@code exp}
     */
    boolean usableAt(Instant now) {
        return active && (expiresAt == null || expiresAt.isAfter(now));
    }

    private static String consumerId(JsonNode answer, List<String> claims) {
        for (String claim : claims) {
            JsonNode value = answer.get(claim);
            if (value != null && (value.isTextual() || value.isIntegralNumber())) {
                String id = value.asText().strip();
                if (!id.isEmpty() && printable(id)) {
                    return id;
                }
            }
        }
        return null;
    }

    /** A claim as one header-safe text: a scalar as is, an array of scalars joined with ", "; else {@code null}. */
    private static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isObject()) {
            return null;
        }
        String text;
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : value) {
                if (item.isValueNode() && !item.isNull()) {
                    items.add(item.asText());
                }
            }
            text = items.isEmpty() ? null : String.join(", ", items);
        } else {
            text = value.asText();
        }
        return text != null && printable(text) ? text : null;
    }

    /** A claim as a list of words: an array's scalar items, or a string split at white space (as {@code scope}). */
    private static List<String> words(JsonNode value) {
        List<String> words = new ArrayList<>();
        if (value == null || value.isNull() || value.isObject()) {
            return words;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (item.isValueNode() && !item.isNull()) {
                    addWord(words, item.asText().strip());
                }
            }
        } else {
            for (String word : value.asText().split("\\s+")) {
                addWord(words, word);
            }
        }
        return Collections.unmodifiableList(words);
    }

    /**
     * The groups claim's words that a consumer may carry: a group with a comma would read as two upstream
     * ({@code X-Consumer-Groups}), so it is left out, as the JWT filter does.
     */
    private static List<String> groups(JsonNode value) {
        return words(value).stream().filter(io.gatehouse.api.Consumer::isValidGroup).toList();
    }

    private static void addWord(List<String> words, String word) {
        if (!word.isEmpty() && printable(word)) {
            words.add(word);
        }
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** No control characters: such a value could not go into a header (or would split a log line). */
    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
