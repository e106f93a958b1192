package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.HttpTokens;
import io.gatehouse.api.Problems;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The validation of {@link JwtConfig}: pure (no file or network is touched), every problem with its key path. The
 * secret is never quoted in a problem.
 */
final class JwtConfigCheck {

    /** Headers a forwarded claim may not set: framing, routing and credentials. */
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "cookie", "host", "content-length",
            "transfer-encoding", "connection", "upgrade", "te", "trailer", "proxy-authorization", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-request-id");

    private JwtConfigCheck() {
    }

    static void validate(JwtConfig config, Problems problems) {
        validateKeySource(config, problems);
        validateJwks(config, problems);
        validateClaims(config, problems);
        validateCache(config, problems);
        validateSources(config, problems);
    }

    /** @return the algorithms named in config that are known; empty when none are (the default then applies) */
    static Set<JwsAlgorithm> algorithms(List<String> names) {
        Set<JwsAlgorithm> algorithms = EnumSet.noneOf(JwsAlgorithm.class);
        names.forEach(name -> JwsAlgorithm.named(name).ifPresent(algorithms::add));
        return algorithms;
    }

    private static void validateKeySource(JwtConfig config, Problems problems) {
        int sources = (config.secret() != null ? 1 : 0) + (config.publicKeyFile() != null ? 1 : 0)
                + (config.jwksUrl() != null ? 1 : 0);
        if (sources != 1) {
            problems.add("", (sources == 0 ? "no key: give one of " : "give only one of ")
                    + "secret, public_key_file and jwks_url");
        }
        for (int i = 0; i < config.algorithms().size(); i++) {
            String name = config.algorithms().get(i);
            String path = "algorithms[" + i + "]";
            if (name == null || name.equalsIgnoreCase("none")) {
                problems.add(path, "alg none is never accepted: tokens must be signed");
            } else if (JwsAlgorithm.named(name).isEmpty()) {
                problems.add(path, "unknown algorithm '" + name + "' (known: HS256, HS384, HS512, RS256, RS384, "
                        + "RS512, PS256, PS384, PS512, ES256, ES384, ES512; names are case-sensitive)");
            } else if (config.algorithms().indexOf(name) < i) {
                problems.add(path, name + " is listed twice");
            }
        }
        Set<JwsAlgorithm> algorithms = algorithms(config.algorithms());
        boolean hmac = algorithms.stream().anyMatch(a -> a.family() == JwsAlgorithm.Family.HMAC);
        boolean asymmetric = algorithms.stream().anyMatch(a -> a.family() != JwsAlgorithm.Family.HMAC);
        if (config.secret() != null) {
            if (asymmetric) {
                problems.add("algorithms", "with a secret only HS256, HS384 and HS512 can be checked");
            }
            validateSecret(config, algorithms, problems);
        } else if (config.secretBase64()) {
            problems.add("secret_base64", "only with secret");
        }
        if ((config.publicKeyFile() != null || config.jwksUrl() != null) && hmac) {
            problems.add("algorithms", "HS256, HS384 and HS512 need a secret; public_key_file and jwks_url give "
                    + "public keys only (an HMAC token is never checked against a public key)");
        }
        if (config.publicKeyFile() != null && config.publicKeyFile().isBlank()) {
            problems.add("public_key_file", "must not be empty");
        }
    }

    private static void validateSecret(JwtConfig config, Set<JwsAlgorithm> algorithms, Problems problems) {
        if (config.secret().isBlank()) {
            problems.add("secret", "must not be empty");
            return;
        }
        byte[] secret;
        try {
            secret = JwtFilterFactory.secretBytes(config);
        } catch (IllegalArgumentException e) {
            problems.add("secret", "is not base64 or base64url text (secret_base64 is true)");
            return;
        }
        JwsAlgorithm strongest = algorithms.stream().filter(a -> a.family() == JwsAlgorithm.Family.HMAC)
                .reduce((a, b) -> a.minSecretBytes() >= b.minSecretBytes() ? a : b).orElse(JwsAlgorithm.HS256);
        if (secret.length < strongest.minSecretBytes()) {
            problems.add("secret", "too short for " + strongest + ": it needs at least " + strongest.minSecretBytes()
                    + " bytes (RFC 7518 §3.2), the secret has " + secret.length);
        }
    }

    private static void validateJwks(JwtConfig config, Problems problems) {
        if (config.jwksUrl() != null) {
            try {
                URI url = URI.create(config.jwksUrl());
                if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                    problems.add("jwks_url", "must be an http(s) URL with a host, got '" + config.jwksUrl() + "'");
                }
            } catch (IllegalArgumentException e) {
                problems.add("jwks_url", "not a URL: '" + config.jwksUrl() + "'");
            }
            if (config.algorithms().isEmpty()) {
                problems.add("algorithms", "required with jwks_url (a key set may hold RSA and EC keys): list the "
                        + "algorithms your issuer signs with, e.g. [RS256]");
            }
        }
        positive("refresh_interval", config.refreshInterval(), problems);
        positive("min_refresh_interval", config.minRefreshInterval(), problems);
        positive("fetch_timeout", config.fetchTimeout(), problems);
        if (config.minRefreshInterval().compareTo(config.refreshInterval()) > 0) {
            problems.add("min_refresh_interval", "must not be longer than refresh_interval ("
                    + config.refreshInterval() + ")");
        }
        if (config.fetchTimeout().compareTo(Duration.ofMinutes(1)) > 0) {
            problems.add("fetch_timeout", "must be at most 1m, got " + config.fetchTimeout());
        }
    }

    private static void validateCache(JwtConfig config, Problems problems) {
        if (config.cacheTtl().isNegative() || config.cacheTtl().compareTo(Duration.ofHours(1)) > 0) {
            problems.add("cache_ttl", "must be 0s (no cache) to 1h, got " + config.cacheTtl());
        }
        if (config.cacheSize() < 0 || config.cacheSize() > 1_000_000) {
            problems.add("cache_size", "must be 0 (no cache) to 1000000, got " + config.cacheSize());
        }
    }

    private static void validateClaims(JwtConfig config, Problems problems) {
        if (config.leeway().isNegative() || config.leeway().compareTo(Duration.ofMinutes(10)) > 0) {
            problems.add("leeway", "must be 0s to 10m, got " + config.leeway());
        }
        notBlank("issuer", config.issuer(), problems);
        names("audiences", config.audiences(), problems);
        names("required_claims", config.requiredClaims(), problems);
        names("scopes", config.scopes(), problems);
        for (int i = 0; i < config.scopes().size(); i++) {
            String scope = config.scopes().get(i);
            if (scope != null && (scope.contains(" ") || scope.contains("\"") || scope.contains("\\"))) {
                problems.add("scopes[" + i + "]", "a scope has no spaces, quotes or backslashes");
            }
        }
        config.claims().forEach((name, value) -> {
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                problems.add("claims." + name, "the required value must be a string, a number or a boolean");
            }
        });
        notBlank("scope_claim", config.scopeClaim(), problems);
        notBlank("consumer_claim", config.consumerClaim(), problems);
        notBlank("groups_claim", config.groupsClaim(), problems);
        config.forwardClaims().forEach((claim, header) -> {
            String path = "forward_claims." + claim;
            if (header == null || !HttpTokens.isToken(header)) {
                problems.add(path, "invalid header name '" + header + "'");
            } else if (header.toLowerCase(Locale.ROOT).startsWith("x-consumer-")) {
                problems.add(path, "X-Consumer-* headers are set by the gateway; choose another name");
            } else if (RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
                problems.add(path, header + " may not be set from a claim");
            }
        });
        long distinct = config.forwardClaims().values().stream().filter(h -> h != null)
                .map(h -> h.toLowerCase(Locale.ROOT)).distinct().count();
        if (distinct < config.forwardClaims().values().stream().filter(h -> h != null).count()) {
            problems.add("forward_claims", "two claims are forwarded in the same header");
        }
    }

    private static void validateSources(JwtConfig config, Problems problems) {
        if (config.cookie() != null && !HttpTokens.isToken(config.cookie())) {
            problems.add("cookie", "invalid cookie name '" + config.cookie() + "'");
        }
        notBlank("query_param", config.queryParam(), problems);
        notBlank("anonymous", config.anonymous(), problems);
        if (config.realm().isEmpty() || config.realm().chars().anyMatch(c -> c < 0x20 || c >= 0x7f || c == '"'
                || c == '\\')) {
            problems.add("realm", "must be printable ASCII without quotes or backslashes");
        }
    }

    private static void positive(String key, Duration value, Problems problems) {
        if (value.isNegative() || value.isZero()) {
            problems.add(key, "must be positive, got " + value);
        }
    }

    private static void notBlank(String key, String value, Problems problems) {
        if (value != null && value.isBlank()) {
            problems.add(key, "must not be empty (leave it out for the default)");
        }
    }

    private static void names(String key, List<String> names, Problems problems) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || names.get(i).isBlank()) {
                problems.add(key + "[" + i + "]", "must not be empty");
            }
        }
    }
}
