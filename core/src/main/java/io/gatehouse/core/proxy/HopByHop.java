package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;

import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Hop-by-hop headers (RFC 9110 7.6.1): they describe one connection and are never forwarded. Checked for every
 * header of every request, so without allocating.
 */
public final class HopByHop {

    private HopByHop() {
    }

    /** Whether a header name is always hop-by-hop (case-insensitive). */
    public static boolean isHopByHop(String name) {
        if (name.length() < 2) {
            return false;
        }
        return switch (name.charAt(0) | 0x20) {
            case 'c' -> name.equalsIgnoreCase("connection");
            case 'k' -> name.equalsIgnoreCase("keep-alive");
            case 't' -> name.equalsIgnoreCase("te") || name.equalsIgnoreCase("trailer")
                    || name.equalsIgnoreCase("transfer-encoding");
            case 'u' -> name.equalsIgnoreCase("upgrade");
            case 'p' -> name.regionMatches(true, 0, "proxy-", 0, 6);
            default -> false;
        };
    }

    /**
     * The header names a {@code Connection} header lists (lower case): they are hop-by-hop for this message.
     *
     * @return the names, usually empty
     */
    private static final Set<String> KEEP_ALIVE = Set.of("keep-alive");
    private static final Set<String> CLOSE = Set.of("close");

    public static Set<String> connectionTokens(Headers headers) {
        if (!headers.contains("Connection")) {
            return Set.of();
        }
        return connectionTokens(headers.all("Connection"));
    }

    /**
     * The header names listed by the values of a message's {@code Connection} header lines (lower case).
     *
     * @return the names, possibly empty
     */
    public static Set<String> connectionTokens(Iterable<String> connectionValues) {
        Iterator<String> values = connectionValues.iterator();
        if (values.hasNext()) {
            // the usual single "keep-alive" or "close": no set to build
            String only = values.next();
            if (!values.hasNext()) {
                if (only.equalsIgnoreCase("keep-alive")) {
                    return KEEP_ALIVE;
                }
                if (only.equalsIgnoreCase("close")) {
                    return CLOSE;
                }
            }
        }
        Set<String> tokens = new java.util.HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    tokens.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }
}
