package io.gatehouse.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who a request comes from, as an authentication filter established it: an id, the kind of credential that
 * proved it, the groups it belongs to and a few selected attributes (claims of a token, fields of a key entry).
 * Later filters read it from {@link Exchange#authenticated()}: access rules by id or group, rate limits per
 * consumer, the access log, scripts ({@code exchange.consumer}).
 *
 * <p>Immutable. The name is the one Kong and APISIX use; mind the clash with {@code java.util.function.Consumer}
 * when importing both.
 *
 * @param id         the consumer's id (a token's subject, a key entry's consumer name, a user name); not blank
 * @param credential the kind of credential that identified it: {@link #JWT}, {@link #API_KEY}, {@link #BASIC},
 *                   {@link #OAUTH2}, {@link #ANONYMOUS}, or a plugin's own word
 * @param groups     the groups it belongs to, in the order the credential listed them; may be empty
 * @param attributes selected claims or attributes, by name; may be empty. Never secrets: these reach logs and
 *                   scripts
 * @since 1.2.0
 */
public record Consumer(String id, String credential, List<String> groups, Map<String, String> attributes) {

    /** Identified by a JSON Web Token. */
    public static final String JWT = "jwt";
    /** Identified by an API key. */
    public static final String API_KEY = "api_key";
    /** Identified by a user name and password (HTTP Basic). */
    public static final String BASIC = "basic";
    /** Identified by an OAuth 2.0 access token checked by introspection. */
    public static final String OAUTH2 = "oauth2";
    /** Admitted without a credential, as the route's named anonymous consumer. */
    public static final String ANONYMOUS = "anonymous";

    /**
     * The id, the credential kind and the groups travel to the upstream in request headers ({@code X-Consumer-Id},
     * {@code X-Consumer-Credential}, {@code X-Consumer-Groups} joined with commas), so they hold no control
     * character, and a group no comma: {@code "users,admins"} would read upstream as two groups. A filter that takes
     * groups from a token or a directory drops the ones that break this rule.
     *
     * @throws IllegalArgumentException if {@code id} or {@code credential} is blank or holds a control character,
     *                                  or a group is blank or holds a control character or a comma
     * @throws NullPointerException     if any argument or element is {@code null}
     */
    public Consumer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(credential, "credential");
        if (id.isBlank() || hasControl(id)) {
            throw new IllegalArgumentException("a consumer id must not be blank nor hold control characters");
        }
        if (credential.isBlank() || hasControl(credential)) {
            throw new IllegalArgumentException("a consumer's credential kind must not be blank nor hold control "
                    + "characters");
        }
        groups = List.copyOf(groups);
        for (String group : groups) {
            if (group.isBlank() || hasControl(group) || group.indexOf(',') >= 0) {
                throw new IllegalArgumentException("a consumer's group must not be blank nor hold a comma or control "
                        + "characters");
            }
        }
        attributes = Map.copyOf(attributes);
    }

    /**
     * @param group a group name, e.g. from a token's claim
     * @return whether a consumer may carry it: not blank, no comma, no control character
     */
    public static boolean isValidGroup(String group) {
        return !group.isBlank() && group.indexOf(',') < 0 && !hasControl(group);
    }

    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /**
     * A consumer with no groups and no attributes.
     *
     * @param id         the consumer's id
     * @param credential the kind of credential
     * @return the consumer
     */
    public static Consumer of(String id, String credential) {
        return new Consumer(id, credential, List.of(), Map.of());
    }

    /**
     * The consumer a route admits without a credential ({@code anonymous: guest} on an authentication filter).
     *
     * @param id the anonymous consumer's id
     * @return a consumer whose credential is {@link #ANONYMOUS}
     */
    public static Consumer anonymous(String id) {
        return of(id, ANONYMOUS);
    }

    /** @return whether this consumer was admitted without a credential */
    public boolean isAnonymous() {
        return ANONYMOUS.equals(credential);
    }

    /**
     * @param group a group name, compared exactly
     * @return whether the consumer belongs to it
     */
    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
