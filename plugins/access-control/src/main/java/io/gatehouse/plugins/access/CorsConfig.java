package io.gatehouse.plugins.access;

import io.gatehouse.api.Required;

import java.time.Duration;
import java.util.List;

/**
 * Config of {@code filter.cors}.
 *
 * <pre>{@code
 * - cors:
 *     allow_origins: [ "https://app.example.com", "https://*.example.com" ]
 *     allow_methods: [ GET, POST, PUT ]
 *     allow_headers: [ Authorization, Content-Type ]
 *     expose_headers: [ X-Request-Id ]
 *     allow_credentials: true
 *     max_age: 10m
 * }</pre>
 *
 * @param allowOrigins     the origins that may call the route: exact ({@code https://app.example.com}), a subdomain
 *                         wildcard ({@code https://*.example.com}), or {@code "*"} alone for any origin (not with
 *                         credentials); required
 * @param allowMethods     the methods a preflight may ask for, case-sensitive, or {@code "*"} alone for any; default
 *                         {@code [GET, HEAD, POST]}
 * @param allowHeaders     the request headers a preflight may ask for, case-insensitive, or {@code "*"} alone for
 *                         any; default: none
 * @param exposeHeaders    the response headers a page may read beyond the CORS-safelisted ones; {@code "*"} alone
 *                         for all (not with credentials); default: none
 * @param allowCredentials whether a page may send cookies and HTTP authentication and read the answer; default
 *                         {@code false}
 * @param maxAge           how long a browser may cache a preflight's answer, in whole seconds; default: none (the
 *                         browser's own, 5 s in most)
 */
public record CorsConfig(@Required List<String> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
                         List<String> exposeHeaders, boolean allowCredentials, Duration maxAge) {

    static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST");

    /** Applies the defaults. */
    public CorsConfig {
        allowOrigins = allowOrigins == null ? List.of() : List.copyOf(allowOrigins);
        allowMethods = allowMethods == null ? DEFAULT_METHODS : List.copyOf(allowMethods);
        allowHeaders = allowHeaders == null ? List.of() : List.copyOf(allowHeaders);
        exposeHeaders = exposeHeaders == null ? List.of() : List.copyOf(exposeHeaders);
    }
}
