package io.gatehouse.core.server;

import java.util.Locale;

/**
 * Keeps web pages in an operator's browser away from the admin API. A page on another site can send requests to
 * {@code http://127.0.0.1:9080} (a form's POST needs no CORS permission), and a page whose host name it re-points at
 * 127.0.0.1 (DNS rebinding) can even read the answers. Neither can choose the headers the browser adds, so:
 * <ul>
 *   <li>a request a browser marks as sent by another site ({@code Sec-Fetch-Site: cross-site} or
 *       {@code same-site}), or whose {@code Origin} is not the admin listener itself, is refused;</li>
 *   <li>when the API is open (no token, loopback only), the {@code Host} must be a loopback name —
 *       {@code localhost}, {@code 127.x.x.x}, {@code [::1]} — so a rebound host name gets nothing. With tokens the
 *       page would need a token, which it cannot read from another origin.</li>
 * </ul>
 * Clients that are not browsers ({@code curl}, Prometheus, scripts) send no {@code Origin} and are not affected.
 */
final class BrowserGuard {

    private BrowserGuard() {
    }

    /**
     * @param open         whether the admin API is open (no token configured)
     * @param host         the {@code Host} header, or {@code null}
     * @param origin       the {@code Origin} header, or {@code null}
     * @param secFetchSite the {@code Sec-Fetch-Site} header, or {@code null}
     * @return why the request is refused, or {@code null} to let it through
     */
    static String refusal(boolean open, String host, String origin, String secFetchSite) {
        if (secFetchSite != null) {
            String site = secFetchSite.trim().toLowerCase(Locale.ROOT);
            if (site.equals("cross-site") || site.equals("same-site")) {
                return "a web page of another site may not use the admin API (Sec-Fetch-Site: " + site + ")";
            }
        }
        if (open && (host == null || !loopbackName(ProxyHandler.stripPort(host.trim())))) {
            return "the admin API has no token, so it answers only requests addressed to localhost, 127.0.0.1 or "
                    + "[::1] (a DNS-rebinding guard); configure admin.tokens to reach it by another name";
        }
        if (origin != null && !origin.equals("null") && host != null
                && !(origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host))) {
            return "a web page of another origin may not use the admin API";
        }
        if ("null".equals(origin)) {
            return "a web page of an opaque origin may not use the admin API";
        }
        return null;
    }

    private static boolean loopbackName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("localhost") || lower.equals("[::1]") || loopbackIpv4(lower);
    }

    /** @return whether {@code name} is a dotted-quad literal in 127.0.0.0/8 */
    private static boolean loopbackIpv4(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
