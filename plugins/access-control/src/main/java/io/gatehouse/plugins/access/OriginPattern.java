package io.gatehouse.plugins.access;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of {@code allow_origins}: an exact origin ({@code https://app.example.com},
 * {@code http://localhost:3000}) or a subdomain wildcard ({@code https://*.example.com}), compared case-insensitively
 * with the request's {@code Origin}. A wildcard stands for one or more whole DNS labels on the left: it matches
 * {@code https://a.example.com} and {@code https://a.b.example.com}, never {@code https://example.com} itself, a
 * suffix trick such as {@code https://evil-example.com} or {@code https://example.com.evil.org}, another scheme or
 * another port.
 */
final class OriginPattern {

    /** scheme "://" host [":" port] and nothing else; the host is checked on its own. */
    private static final Pattern ORIGIN = Pattern.compile("([a-z][a-z0-9+.-]*)://([^/?#@:\\[\\]]+|\\[[0-9a-f:.]+])"
            + "(?::([0-9]{1,5}))?");
    private static final Pattern LABELS = Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
            + "(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*");

    private final String scheme;
    /** For an exact origin the whole origin; for a wildcard the suffix from the dot on, {@code .example.com}. */
    private final String host;
    private final String port;
    private final boolean wildcard;

    private OriginPattern(String scheme, String host, String port, boolean wildcard) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.wildcard = wildcard;
    }

    /**
     * Reads one entry of {@code allow_origins} (not {@code "*"}, which the policy handles).
     *
     * @param text the entry
     * @return the pattern
     * @throws IllegalArgumentException saying what is wrong and what to write, for a config problem
     */
    static OriginPattern parse(String text) {
        String origin = text.toLowerCase(Locale.ROOT);
        if (origin.equals("null")) {
            throw new IllegalArgumentException("the 'null' origin is what sandboxed frames, file: pages and some "
                    + "redirects send; any site can produce it, so it cannot be allowed by name");
        }
        if (!origin.contains("://")) {
            throw new IllegalArgumentException("'" + text + "' is not an origin: write scheme://host[:port], "
                    + "e.g. https://app.example.com");
        }
        if (origin.endsWith("/")) {
            throw new IllegalArgumentException("'" + text + "': an origin has no path, not even '/': write "
                    + text.substring(0, text.length() - 1));
        }
        Matcher parts = ORIGIN.matcher(origin);
        if (!parts.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an origin: write scheme://host[:port] with "
                    + "no path, query or user, e.g. https://app.example.com or http://localhost:3000");
        }
        String scheme = parts.group(1);
        String host = parts.group(2);
        String port = parts.group(3);
        checkPort(text, scheme, port);
        if (host.startsWith("*.")) {
            String suffix = host.substring(2);
            checkLabels(text, suffix);
            if (suffix.indexOf('.') < 0) {
                throw new IllegalArgumentException("'" + text + "' would allow every site under ." + suffix
                        + ": name at least two labels after '*.', as in https://*.example.com");
            }
            return new OriginPattern(scheme, "." + suffix, port, true);
        }
        if (host.indexOf('*') >= 0) {
            throw new IllegalArgumentException("'" + text + "': '*' may only stand for the leftmost labels, as in "
                    + "https://*.example.com");
        }
        if (!host.startsWith("[")) {
            checkLabels(text, host);
        }
        return new OriginPattern(scheme, origin, port, false);
    }

    private static void checkPort(String text, String scheme, String port) {
        if (port == null) {
            return;
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535 || port.charAt(0) == '0') {
            throw new IllegalArgumentException("'" + text + "' has an invalid port: 1 to 65535, no leading zero");
        }
        if (scheme.equals("https") && number == 443 || scheme.equals("http") && number == 80) {
            throw new IllegalArgumentException("'" + text + "': browsers leave the default port out of an origin, "
                    + "so this would never match: write " + scheme + "://" + text.substring(scheme.length() + 3,
                    text.lastIndexOf(':')));
        }
    }

    private static void checkLabels(String text, String host) {
        if (!LABELS.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + text + "' has an invalid host: DNS labels of letters, digits "
                    + "and '-', separated by dots");
        }
    }

    /**
     * @param origin the request's {@code Origin}, one value
     * @return whether this entry admits it
     */
    boolean matches(String origin) {
        if (!wildcard) {
            return host.equalsIgnoreCase(origin);
        }
        String text = origin.toLowerCase(Locale.ROOT);
        String start = scheme + "://";
        if (!text.startsWith(start)) {
            return false;
        }
        String authority = text.substring(start.length());
        String end = port == null ? host : host + ":" + port;
        if (!authority.endsWith(end)) {
            return false;
        }
        String labels = authority.substring(0, authority.length() - end.length());
        return !labels.isEmpty() && LABELS.matcher(labels).matches();
    }

    @Override
    public String toString() {
        return wildcard ? scheme + "://*" + host + (port == null ? "" : ":" + port) : host;
    }
}
