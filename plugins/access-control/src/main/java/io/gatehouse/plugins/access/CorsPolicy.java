package io.gatehouse.plugins.access;

import io.gatehouse.api.HttpTokens;
import io.gatehouse.api.Problems;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * A {@link CorsConfig} read once: what a preflight may ask for and which headers an answer carries. Immutable.
 */
final class CorsPolicy {

    static final String ANY = "*";
    private static final String CREDENTIALS_WITH_ANY = "\"*\" cannot be combined with allow_credentials: true. "
            + "Browsers refuse Access-Control-Allow-Origin: * on a credentialed request, and echoing every origin "
            + "instead would let any site read answers made with its visitors' cookies: list the origins";

    private final boolean anyOrigin;
    private final List<OriginPattern> origins;
    private final boolean anyMethod;
    private final List<String> methods;
    private final boolean anyHeader;
    private final Set<String> headers;
    private final String expose;
    private final boolean credentials;
    private final String maxAge;

    private CorsPolicy(CorsConfig config, List<OriginPattern> origins) {
        this.anyOrigin = config.allowOrigins().contains(ANY);
        this.origins = List.copyOf(origins);
        this.anyMethod = config.allowMethods().contains(ANY);
        this.methods = config.allowMethods();
        this.anyHeader = config.allowHeaders().contains(ANY);
        this.headers = config.allowHeaders().stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.expose = config.exposeHeaders().isEmpty() ? null : String.join(", ", config.exposeHeaders());
        this.credentials = config.allowCredentials();
        this.maxAge = config.maxAge() == null ? null : Long.toString(config.maxAge().toSeconds());
    }

    /**
     * Reads a config, reporting every problem with its path.
     *
     * @param config   the bound config
     * @param problems where problems go
     * @return the policy; meaningful only when no problem was reported
     */
    static CorsPolicy of(CorsConfig config, Problems problems) {
        List<String> allowOrigins = config.allowOrigins();
        if (allowOrigins.isEmpty()) {
            problems.add("allow_origins", "name at least one origin (https://app.example.com), or \"*\" for any");
        }
        List<OriginPattern> origins = new ArrayList<>();
        for (int i = 0; i < allowOrigins.size(); i++) {
            String entry = allowOrigins.get(i);
            String path = "allow_origins[" + i + "]";
            if (entry.equals(ANY)) {
                if (config.allowCredentials()) {
                    problems.add(path, CREDENTIALS_WITH_ANY);
                }
                continue;
            }
            try {
                origins.add(OriginPattern.parse(entry));
            } catch (IllegalArgumentException e) {
                problems.add(path, e.getMessage());
            }
        }
        if (allowOrigins.contains(ANY) && allowOrigins.size() > 1) {
            problems.add("allow_origins", "\"*\" already admits every origin: give it alone, or list origins without it");
        }
        tokens("allow_methods", config.allowMethods(), problems);
        tokens("allow_headers", config.allowHeaders(), problems);
        tokens("expose_headers", config.exposeHeaders(), problems);
        if (config.allowCredentials() && config.exposeHeaders().contains(ANY)) {
            problems.add("expose_headers", "\"*\" is no wildcard on a credentialed request (browsers read it as a "
                    + "header named '*'): list the headers");
        }
        if (config.maxAge() != null && config.maxAge().isNegative()) {
            problems.add("max_age", "must not be negative, got " + config.maxAge());
        }
        return new CorsPolicy(config, origins);
    }

    /** Entries must be HTTP tokens, or "*" alone. */
    private static void tokens(String key, List<String> names, Problems problems) {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.equals(ANY)) {
                if (names.size() > 1) {
                    problems.add(key, "\"*\" already stands for all: give it alone, or list names without it");
                }
            } else if (!HttpTokens.isToken(name)) {
                problems.add(key + "[" + i + "]", "'" + name + "' is not a valid " + (key.equals("allow_methods")
                        ? "method" : "header name"));
            }
        }
    }

    /** @return whether any origin is admitted (the answer then says {@code *}, the same for all) */
    boolean anyOrigin() {
        return anyOrigin;
    }

    /**
     * @param origin the request's one {@code Origin} value
     * @return whether it is admitted
     */
    boolean allows(String origin) {
        if (anyOrigin) {
            return true;
        }
        for (OriginPattern pattern : origins) {
            if (pattern.matches(origin)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param method the method a preflight asks for
     * @return whether it is admitted
     */
    boolean allowsMethod(String method) {
        return HttpTokens.isToken(method) && (anyMethod || methods.contains(method));
    }

    /**
     * @param header a request header name a preflight asks for, lower case
     * @return whether it is admitted
     */
    boolean allowsHeader(String header) {
        return HttpTokens.isToken(header) && (anyHeader || headers.contains(header));
    }

    /**
     * The headers of an admitted preflight's answer.
     *
     * @param origin    the request's origin
     * @param method    the method it asks for (admitted)
     * @param requested the headers it asks for (admitted), lower case
     * @param header    receives each name and value
     */
    void preflightHeaders(String origin, String method, List<String> requested, BiConsumer<String, String> header) {
        allowOrigin(origin, header);
        header.accept("Access-Control-Allow-Methods", anyMethod ? method : String.join(", ", methods));
        if (!requested.isEmpty()) {
            header.accept("Access-Control-Allow-Headers", String.join(", ", requested));
        }
        if (maxAge != null) {
            header.accept("Access-Control-Max-Age", maxAge);
        }
    }

    /**
     * The headers of the answer to an admitted actual (non-preflight) request.
     *
     * @param origin the request's origin
     * @param header receives each name and value
     */
    void actualHeaders(String origin, BiConsumer<String, String> header) {
        allowOrigin(origin, header);
        if (expose != null) {
            header.accept("Access-Control-Expose-Headers", expose);
        }
    }

    private void allowOrigin(String origin, BiConsumer<String, String> header) {
        // validation makes sure "*" never goes with credentials
        header.accept("Access-Control-Allow-Origin", anyOrigin ? ANY : origin);
        if (credentials) {
            header.accept("Access-Control-Allow-Credentials", "true");
        }
    }
}
