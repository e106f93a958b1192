package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;

import java.util.Locale;
import java.util.Set;

/**
 * Hop-by-hop headers (RFC 9110 7.6.1): they describe one connection and are never forwarded.
 */
public final class HopByHop {

    private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-connection", "proxy-authenticate", "proxy-authorization");

    private HopByHop() {
    }

    /** Whether a header name is always hop-by-hop (case-insensitive). */
    public static boolean isHopByHop(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return ALWAYS.contains(lower) || lower.startsWith("proxy-");
    }

    /** Removes hop-by-hop headers, including every header the {@code Connection} header names. */
    public static void strip(Headers headers) {
        for (String value : headers.all("Connection")) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    headers.remove(name);
                }
            }
        }
        for (String name : headers.names()) {
            if (isHopByHop(name)) {
                headers.remove(name);
            }
        }
    }
}
