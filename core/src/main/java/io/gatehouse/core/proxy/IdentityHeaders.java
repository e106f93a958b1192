package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;

import java.util.List;

/**
 * The headers that claim who the client is ({@code X-Real-IP}, {@code True-Client-IP}, {@code CF-Connecting-IP},
 * ...; {@code server.identity_headers}). Any client can write them, so unless the peer is a trusted proxy they are
 * removed before the first filter runs: otherwise an IP allow-list, a rate limiter or the upstream would take the
 * client's word for its own address. Built once per config generation; immutable and thread-safe.
 *
 * <p>{@code X-Forwarded-For}, {@code -Proto}, {@code -Host} and {@code Forwarded} are not handled here:
 * {@link ForwardedHeaders} replaces or appends to them on the way upstream.
 */
public final class IdentityHeaders {

    private final List<String> names;
    private final TrustedProxies trusted;

    private IdentityHeaders(List<String> names, TrustedProxies trusted) {
        this.names = names;
        this.trusted = trusted;
    }

    /**
     * @param names   the header names, in any case ({@code server.identity_headers})
     * @param trusted the peers whose identity headers are kept ({@code server.trusted_proxies})
     */
    public static IdentityHeaders of(List<String> names, TrustedProxies trusted) {
        return new IdentityHeaders(names.stream().map(IdentityHeaders::canonical).distinct().toList(), trusted);
    }

    /**
     * Removes every occurrence of every listed header, whatever the case of its name and in its {@code _} spelling too,
     * unless {@code peer} is a
     * trusted proxy, whose headers are kept as sent.
     *
     * @param headers the request headers as the client sent them; changed in place
     * @param peer    the address of the TCP peer (an IP literal), not a client address taken from a header
     */
    public void removeUnlessTrusted(Headers headers, String peer) {
        if (names.isEmpty() || trusted.trusts(peer)) {
            return;
        }
        for (String name : names) {
            headers.remove(name);
        }
        // the _ spellings: rare, so the common header pays only the scan for '_'
        headers.removeIf(name -> name.indexOf('_') >= 0 && names.contains(canonical(name)));
    }

    /**
     * @param name   a header name
     * @param prefix a canonical prefix ({@link #canonical}: lower case, {@code -} not {@code _})
     * @return whether the canonical form of {@code name} starts with {@code prefix}; allocates nothing
     */
    public static boolean startsCanonically(String name, String prefix) {
        if (name.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = name.charAt(i);
            char canonical = c == '_' ? '-' : Character.toLowerCase(c);
            if (canonical != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A header name as the identity checks compare it: lower case, with {@code _} read as {@code -}. CGI, PHP and
     * WSGI servers turn both into the same variable ({@code X_Real_IP} and {@code X-Real-IP} are
     * {@code HTTP_X_REAL_IP}), so a header that must not pass must not pass in either spelling.
     *
     * @param name a header name
     * @return its canonical form
     */
    public static String canonical(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
