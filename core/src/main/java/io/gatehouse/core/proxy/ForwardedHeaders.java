package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;

/**
 * Sets {@code X-Forwarded-For/Proto/Host} and {@code Forwarded} on a request going upstream. The client's own
 * values are kept (and appended to) only when the peer is a trusted proxy; otherwise they are replaced.
 */
public final class ForwardedHeaders {

    private ForwardedHeaders() {
    }

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
     * Rewrites the forwarding headers of an outgoing request.
     *
     * @param headers the outgoing headers (already stripped of hop-by-hop headers)
     * @param peer    the address of the TCP peer
     * @param scheme  the scheme the client used with the gateway
     * @param host    the Host the client addressed (with port, as sent)
     * @param trusted the trusted proxies
     */
    public static void apply(Headers headers, String peer, String scheme, String host, TrustedProxies trusted) {
        boolean trustedPeer = trusted.trusts(peer);
        String priorFor = trustedPeer ? String.join(", ", headers.all("X-Forwarded-For")) : "";
        headers.set("X-Forwarded-For", priorFor.isEmpty() ? peer : priorFor + ", " + peer);
        if (!trustedPeer || !headers.contains("X-Forwarded-Proto")) {
            headers.set("X-Forwarded-Proto", scheme);
        }
        if (!trustedPeer || !headers.contains("X-Forwarded-Host")) {
            if (host.isEmpty()) {
                headers.remove("X-Forwarded-Host");
            } else {
                headers.set("X-Forwarded-Host", host);
            }
        }
        String element = "for=" + forwardedNode(peer) + (host.isEmpty() ? "" : ";host=" + quoted(host))
                + ";proto=" + scheme;
        String priorForwarded = trustedPeer ? String.join(", ", headers.all("Forwarded")) : "";
        headers.set("Forwarded", priorForwarded.isEmpty() ? element : priorForwarded + ", " + element);
    }

    private static String forwardedNode(String address) {
        // RFC 7239: IPv6 nodes are bracketed and quoted
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
    }

    private static String quoted(String value) {
        boolean token = value.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0);
        return token ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
