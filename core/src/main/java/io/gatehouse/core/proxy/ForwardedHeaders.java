package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;

/**
 * The {@code X-Forwarded-For/Proto/Host}, {@code Forwarded} and {@code X-Real-IP} headers of a request going
 * upstream. The client's own {@code X-Forwarded-*} and {@code Forwarded} values are kept (and appended to) only
 * when the peer is a trusted proxy; otherwise they are replaced. {@code X-Real-IP} is always the gateway's own
 * answer (Kong and nginx do the same), so an upstream that reads it sees the address filters saw as the client's.
 *
 * @param forwardedFor   {@code X-Forwarded-For}
 * @param forwardedProto {@code X-Forwarded-Proto}
 * @param forwardedHost  {@code X-Forwarded-Host}, or {@code null} when the client sent no Host
 * @param forwarded      {@code Forwarded} (RFC 7239)
 * @param realIp         {@code X-Real-IP}: the client address, as {@link #clientIp} computes it
 */
public record ForwardedHeaders(String forwardedFor, String forwardedProto, String forwardedHost, String forwarded,
                               String realIp) {

    /**
     * The address of the real client: the peer itself unless it is a trusted proxy, in which case the rightmost
     * address of {@code X-Forwarded-For} that is not a trusted proxy.
     */
    public static String clientIp(String peer, Headers headers, TrustedProxies trusted) {
        if (!trusted.trusts(peer)) {
            return peer;
        }
        String[] hops = String.join(",", headers.all("X-Forwarded-For")).split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trusted.trusts(hop)) {
                return TrustedProxies.literal(hop) != null ? hop : peer;
            }
        }
        return peer;
    }

    /**
     * Computes the forwarding headers for an outgoing request.
     *
     * @param incoming the request's headers as the client sent them
     * @param peer     the address of the TCP peer
     * @param scheme   the scheme the client used with the gateway
     * @param host     the Host the client addressed (with port, as sent), or empty
     * @param trusted  the trusted proxies
     */
    public static ForwardedHeaders of(Headers incoming, String peer, String scheme, String host,
                                      TrustedProxies trusted) {
        boolean trustedPeer = trusted.trusts(peer);
        String element = "for=" + forwardedNode(peer) + (host.isEmpty() ? "" : ";host=" + quoted(host))
                + ";proto=" + scheme;
        if (!trustedPeer) {
            return new ForwardedHeaders(peer, scheme, host.isEmpty() ? null : host, element, peer);
        }
        String priorFor = String.join(", ", incoming.all("X-Forwarded-For"));
        String priorForwarded = String.join(", ", incoming.all("Forwarded"));
        return new ForwardedHeaders(
                priorFor.isEmpty() ? peer : priorFor + ", " + peer,
                incoming.first("X-Forwarded-Proto").orElse(scheme),
                incoming.first("X-Forwarded-Host").orElse(host.isEmpty() ? null : host),
                priorForwarded.isEmpty() ? element : priorForwarded + ", " + element,
                clientIp(peer, incoming, trusted));
    }

    /** Whether a header name is one of those this record replaces (case-insensitive). */
    static boolean isForwardingHeader(String name) {
        return name.equalsIgnoreCase("X-Forwarded-For") || name.equalsIgnoreCase("X-Forwarded-Proto")
                || name.equalsIgnoreCase("X-Forwarded-Host") || name.equalsIgnoreCase("Forwarded")
                || name.equalsIgnoreCase("X-Real-IP");
    }

    private static String forwardedNode(String address) {
        // RFC 7239: IPv6 nodes are bracketed and quoted
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
    }

    private static String quoted(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!Character.isLetterOrDigit(c) && "-._~".indexOf(c) < 0) {
                return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return value;
    }
}
