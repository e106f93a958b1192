package io.gatehouse.core.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses admin tokens an attacker could guess: empty, short, a well-known default of a gateway (APISIX's admin key
 * of CVE-2020-13945 and its viewer key, Tyk's example secrets), a placeholder word, or too few distinct characters.
 * A problem names the token by its name and config path, never by its value.
 */
final class AdminTokenRules {

    /** Shorter tokens are refused: 24 characters of hex are 96 bits, of base64 144 bits. */
    static final int MIN_LENGTH = 24;
    private static final int MIN_DISTINCT_CHARS = 8;
    private static final Set<String> WELL_KNOWN = Set.of(
            "edd1c9f034335f136f87ad84b625c8f1",   // APISIX admin key (CVE-2020-13945)
            "4054f7cf07e344346cd3f287985e76a2",   // APISIX viewer key
            "352d20ee67be67f6340b4c0605b044b7",   // Tyk's example gateway secret
            "y0ush0u1dr3a11ychang3th1ss3cr3t",    // Tyk's cookbook secret
            "admin", "administrator", "changeme", "change-me", "change_me", "changeit", "secret", "password",
            "passw0rd", "token", "admin-token", "admin_token", "kong", "apisix", "gatehouse", "default", "test",
            "example", "letmein", "qwerty", "123456", "12345678");
    private static final String NAME = "[a-z0-9][a-z0-9_-]*";

    private AdminTokenRules() {
    }

    static void validate(AdminConfig admin, List<Problem> problems) {
        if (admin.token() != null) {
            check("admin", admin.token(), "admin.token", problems);
        }
        Set<String> names = new HashSet<>(admin.token() == null ? Set.of() : Set.of("admin"));
        java.util.Map<String, String> values = new java.util.HashMap<>();
        if (admin.token() != null) {
            values.put(admin.token(), "admin");
        }
        for (int i = 0; i < admin.tokens().size(); i++) {
            AdminConfig.AdminToken token = admin.tokens().get(i);
            String path = ConfigPath.index("admin.tokens", i);
            if (token == null || token.name() == null) {
                continue; // reported by the binder
            }
            if (!token.name().matches(NAME)) {
                problems.add(new Problem(path + ".name", "expected lower-case letters, digits, '_' and '-', got '"
                        + token.name() + "'"));
            } else if (!names.add(token.name())) {
                problems.add(new Problem(path + ".name", "token name '" + token.name() + "' is used twice"
                        + (token.name().equals("admin") && admin.token() != null ? " (admin.token is named admin)" : "")));
            }
            if (token.token() != null) {
                check(token.name(), token.token(), path + ".token", problems);
                String twin = values.putIfAbsent(token.token(), token.name());
                if (twin != null) {
                    // the first would always match, and this one's name and access would never apply
                    problems.add(new Problem(path + ".token", "admin token '" + token.name() + "' has the same "
                            + "value as '" + twin + "'; give each token its own value"));
                }
            }
        }
    }

    private static void check(String name, String token, String path, List<Problem> problems) {
        String why = weakness(token);
        if (why != null) {
            problems.add(new Problem(path, "admin token '" + name + "' is " + why
                    + "; generate one with: openssl rand -hex 32"));
        }
    }

    /** @return why the token is weak, or {@code null} when it is not */
    static String weakness(String token) {
        if (token.isBlank()) {
            return "empty";
        }
        String lower = token.strip().toLowerCase(Locale.ROOT);
        if (WELL_KNOWN.contains(lower)) {
            return "a well-known default or placeholder";
        }
        if (token.length() < MIN_LENGTH) {
            return "too short (" + token.length() + " characters; at least " + MIN_LENGTH + ")";
        }
        if (token.chars().distinct().count() < MIN_DISTINCT_CHARS) {
            return "too repetitive (fewer than " + MIN_DISTINCT_CHARS + " distinct characters)";
        }
        if (!token.equals(token.strip()) || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            return "not a bearer token (printable ASCII without spaces only)";
        }
        return null;
    }
}
