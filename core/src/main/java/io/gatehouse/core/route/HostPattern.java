package io.gatehouse.core.route;

import java.util.Locale;
import java.util.Optional;

/**
 * Host patterns of routes and the request host they are compared with. Matching is case-insensitive, ignores a
 * {@code :port} and one trailing dot. {@code api.example.com} matches only itself; {@code *.example.com} matches
 * any host that ends in {@code .example.com} with at least one label before it ({@code a.example.com},
 * {@code a.b.example.com}) but not {@code example.com}; {@code *} matches any host.
 */
public final class HostPattern {

    private HostPattern() {
    }

    /**
     * Checks a host pattern, for config validation.
     *
     * @param pattern the pattern
     * @return what is wrong with it, or empty if it is valid
     */
    public static Optional<String> problem(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return Optional.of("host pattern must not be empty; leave hosts out to take any host");
        }
        if (pattern.equals("*")) {
            return Optional.empty();
        }
        String name = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
        if (name.isEmpty() || name.startsWith(".") || name.contains("..")) {
            return Optional.of("host pattern '" + pattern + "' has an empty label");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '*') {
                return Optional.of("host pattern '" + pattern + "': '*' is only allowed as a whole first label ('*.example.com')");
            }
            if (c == ':' || c == '/' || c == '[' || c <= ' ') {
                return Optional.of("host pattern '" + pattern + "' must be a host name without port, scheme or path");
            }
        }
        return Optional.empty();
    }

    /**
     * The request host as patterns are compared with it: lower case, without port or trailing dot.
     *
     * @param host the {@code Host} header or authority, possibly with a port; may be {@code null}
     * @return the host name, {@code ""} if there is none
     */
    public static String requestHost(String host) {
        if (host == null) {
            return "";
        }
        int end = host.length();
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && colon > host.lastIndexOf(']')) {
            end = colon;
        }
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        String name = end == host.length() ? host : host.substring(0, end);
        return isLowerCase(name) ? name : name.toLowerCase(Locale.ROOT);
    }

    /** The pattern as stored: lower case, without trailing dot; {@code "*"} for any host. */
    static String canonical(String pattern) {
        String p = pattern.toLowerCase(Locale.ROOT);
        return p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
    }

    private static boolean isLowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z' || c > 0x7F) {
                return false;
            }
        }
        return true;
    }
}
