package io.gatehouse.plugins.cache;

import io.gatehouse.api.GatewayException;
import io.gatehouse.api.QueryString;
import io.gatehouse.api.Response;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The admin API's purge, mounted by {@link CachePurgeEndpoint}:
 * <ul>
 *   <li>{@code DELETE /cache/routes/{route}}: every response the route's caches hold;</li>
 *   <li>{@code DELETE /cache/routes/{route}?path=/p&query=a=1&host=h}: one resource, every variant and consumer of
 *       it ({@code query} is the raw query, URL-encoded as a parameter, default none; {@code host} default any).</li>
 * </ul>
 * Answers {@code 200 {"route": "...", "purged": n}}; a route that holds nothing purges 0.
 */
final class CachePurge {

    private static final String PREFIX = "/cache/routes/";

    private CachePurge() {
    }

    /**
     * @param method   the admin request's method
     * @param path     its path, from {@code /cache/}
     * @param rawQuery its raw query, empty when none
     * @return the answer
     * @throws GatewayException 404 for another path, 405 for another method, 400 for an empty route or path
     */
    static Response handle(String method, String path, String rawQuery) {
        if (!path.startsWith(PREFIX) || path.length() == PREFIX.length()
                || path.indexOf('/', PREFIX.length()) >= 0) {
            throw new GatewayException(404, "not_found", "purge a route's cache with DELETE /cache/routes/{route}");
        }
        if (!method.equals("DELETE")) {
            throw new GatewayException(405, "method_not_allowed", "the cache is purged with DELETE")
                    .header("Allow", "DELETE");
        }
        String route = URLDecoder.decode(path.substring(PREFIX.length()), StandardCharsets.UTF_8);
        String resourcePath = QueryString.first(rawQuery, "path");
        int purged;
        if (resourcePath == null) {
            purged = CacheRegistry.purgeRoute(route);
        } else {
            if (!resourcePath.startsWith("/")) {
                throw new GatewayException(400, "invalid_path", "the path to purge must start with '/'");
            }
            String query = QueryString.first(rawQuery, "query");
            String host = QueryString.first(rawQuery, "host");
            purged = CacheRegistry.purgeResource(route, host == null ? null : host.toLowerCase(Locale.ROOT),
                    resourcePath, query == null ? "" : query);
        }
        return Response.json(200, "{\"route\":\"" + jsonText(route) + "\",\"purged\":" + purged + "}");
    }

    private static String jsonText(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
