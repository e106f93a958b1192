package io.gatehouse.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * One entry of {@code allowed_origins}: {@code *}, an exact origin ({@code https://app.example.com:8443}) or one
 * with a wildcard first label ({@code https://*.example.com}, which matches {@code https://a.example.com} and
 * {@code https://a.b.example.com} but not {@code https://example.com}). Scheme and port must match exactly; the
 * port is the scheme's default when not written. Compared case-insensitively, as browsers serialise origins in
 * lower case anyway.
 */
public record OriginPattern(String scheme, String host, int port, boolean wildcard, boolean any) {

    /** @return the pattern of a config entry already checked by {@link #problem} */
    public static OriginPattern parse(String text) {
        if (text.equals("*")) {
            return new OriginPattern("", "", -1, false, true);
        }
        Origin origin = Origin.parse(text.replace("://*.", "://wildcard-placeholder."));
        boolean wildcard = text.contains("://*.");
        String host = wildcard ? origin.host().substring("wildcard-placeholder".length()) : origin.host();
        return new OriginPattern(origin.scheme(), host, origin.port(), wildcard, false);
    }

    /** @return what is wrong with a config entry, or {@code null} */
    static String problem(String text) {
        if (text == null || text.isBlank()) {
            return "must not be empty";
        }
        if (text.equals("*")) {
            return null;
        }
        String plain = text.replace("://*.", "://wildcard-placeholder.");
        if (plain.contains("*")) {
            return "'" + text + "' is not an origin: a wildcard may only be the first label of the host "
                    + "(https://*.example.com), or the whole entry (*)";
        }
        try {
            Origin.parse(plain);
            return null;
        } catch (IllegalArgumentException e) {
            return "'" + text + "' is not an origin (" + e.getMessage() + "); write scheme://host[:port], "
                    + "e.g. https://app.example.com";
        }
    }

    /** Whether a request's {@code Origin} matches. */
    public boolean matches(Origin origin) {
        if (any) {
            return true;
        }
        if (!scheme.equals(origin.scheme()) || port != origin.port()) {
            return false;
        }
        return wildcard ? origin.host().endsWith(host) && origin.host().length() > host.length()
                : host.equals(origin.host());
    }

    /**
     * An origin as browsers send it: scheme, host and port, nothing else.
     *
     * @param port the port, the scheme's default when not written
     */
    public record Origin(String scheme, String host, int port) {

        /** @throws IllegalArgumentException when the text is not {@code scheme://host[:port]} with http(s) or ws(s) */
        public static Origin parse(String text) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("malformed");
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            int defaultPort = scheme == null ? -1 : switch (scheme) {
                case "http", "ws" -> 80;
                case "https", "wss" -> 443;
                default -> -1;
            };
            if (defaultPort < 0) {
                throw new IllegalArgumentException("scheme must be http or https");
            }
            if (uri.getHost() == null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("no host");
            }
            if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("an origin has no path, query or fragment");
            }
            return new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT),
                    uri.getPort() < 0 ? defaultPort : uri.getPort());
        }
    }
}
