package io.gatehouse.plugins.auth.oauth2;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.HttpTokens;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import com.github.benmanes.caffeine.cache.Ticker;
import org.pf4j.Extension;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code filter.oauth2_introspection}: authenticates requests by OAuth 2.0 bearer tokens that the authorization
 * server vouches for through RFC 7662 token introspection. See {@link IntrospectionConfig} for the keys and
 * {@link IntrospectionFilter} for the answers.
 */
@Extension
public final class IntrospectionFilterFactory implements FilterFactory<IntrospectionConfig> {

    static final String ID = "filter.oauth2_introspection";
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    /** Longer would defeat asking the authorization server at all: a revocation would take that long to show. */
    private static final Duration MAX_CACHE_TTL = Duration.ofHours(24);
    /** Longer would lock a token out for long after it became usable. */
    private static final Duration MAX_NEGATIVE_CACHE_TTL = Duration.ofMinutes(10);
    /** Headers a forwarded claim may not overwrite: framing, routing and credentials. */
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "connection", "content-length",
            "cookie", "host", "keep-alive", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private final Clock clock;
    private final Ticker ticker;

    /** The factory PF4J makes: {@code exp} is judged by the system clock, cache lifetimes run on {@code nanoTime}. */
    public IntrospectionFilterFactory() {
        this(Clock.systemUTC(), Ticker.systemTicker());
    }

    /**
     * @param clock  what {@code exp} is judged by
     * @param ticker what cache lifetimes run on; tests drive both from one clock they move
     */
    IntrospectionFilterFactory(Clock clock, Ticker ticker) {
        this.clock = clock;
        this.ticker = ticker;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<IntrospectionConfig> configType() {
        return IntrospectionConfig.class;
    }

    @Override
    public void validate(IntrospectionConfig config, Problems problems) {
        validateUrl(config.introspectionUrl(), problems);
        notBlank("client_id", config.clientId(), problems);
        notBlank("client_secret", config.clientSecret(), problems);
        positiveAtMost("timeout", config.timeout(), MAX_TIMEOUT, problems);
        positiveAtMost("connect_timeout", config.connectTimeout(), MAX_TIMEOUT, problems);
        atMost("cache_ttl", config.cacheTtl(), MAX_CACHE_TTL, problems);
        atMost("negative_cache_ttl", config.negativeCacheTtl(), MAX_NEGATIVE_CACHE_TTL, problems);
        if (config.maximumEntries() < 1) {
            problems.add("maximum_entries", "must be at least 1, got " + config.maximumEntries());
        }
        if (config.maxConcurrentCalls() < 1) {
            problems.add("max_concurrent_calls", "must be at least 1, got " + config.maxConcurrentCalls());
        }
        if (config.unavailableStatus() != 503 && config.unavailableStatus() != 401) {
            problems.add("unavailable_status", "must be 503 or 401, got " + config.unavailableStatus());
        }
        for (int i = 0; i < config.requiredScopes().size(); i++) {
            String scope = config.requiredScopes().get(i);
            if (scope == null || !BearerSyntax.isScope(scope)) {
                problems.add("required_scopes[" + i + "]", "not a scope name (printable ASCII without spaces, "
                        + "quotes or backslashes): '" + scope + "'");
            }
        }
        notBlank("token_type_hint", config.tokenTypeHint().isEmpty() ? null : config.tokenTypeHint(), problems);
        notBlank("scope_claim", config.scopeClaim(), problems);
        notBlank("issuer", config.issuer(), problems);
        notBlank("consumer_claim", config.consumerClaim(), problems);
        notBlank("groups_claim", config.groupsClaim(), problems);
        notBlank("anonymous", config.anonymous(), problems);
        noBlankItems("audiences", config.audiences(), problems);
        noBlankItems("attributes", config.attributes(), problems);
        validateForwardClaims(config, problems);
        if (config.realm().isBlank() || !BearerSyntax.isQuotable(config.realm())) {
            problems.add("realm", "must be printable ASCII without quotes or backslashes, got '" + config.realm()
                    + "'");
        }
    }

    @Override
    public Filter create(IntrospectionConfig config, PluginContext context) throws Exception {
        System.Logger logger = context.logger();
        Introspector introspector = context.state("introspection", () -> new Introspector(config, clock, ticker));
        if (cleartextToRemoteHost(URI.create(config.introspectionUrl()))) {
            logger.log(System.Logger.Level.WARNING, context.location() + ": introspection_url is plain http to a "
                    + "host that is not loopback: tokens and the client secret cross the network unencrypted");
        }
        return new IntrospectionFilter(config, introspector, logger);
    }

    private static void validateUrl(String url, Problems problems) {
        try {
            URI uri = new URI(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null) {
                problems.add("introspection_url", "must be an http(s) URL with a host, e.g. "
                        + "https://auth.example.com/oauth2/introspect");
            } else if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                problems.add("introspection_url", "must not hold user info or a fragment (give the client's "
                        + "credentials as client_id and client_secret)");
            }
        } catch (java.net.URISyntaxException e) {
            problems.add("introspection_url", "not a URL (" + e.getReason() + ")");
        }
    }

    private static void validateForwardClaims(IntrospectionConfig config, Problems problems) {
        Set<String> seen = new HashSet<>();
        config.forwardClaims().forEach((claim, header) -> {
            String path = "forward_claims." + claim;
            if (claim.isBlank()) {
                problems.add(path, "a claim name must not be blank");
            }
            if (header == null || !HttpTokens.isToken(header)) {
                problems.add(path, "not a header name: '" + header + "'");
                return;
            }
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-consumer-")) {
                problems.add(path, "X-Consumer-* headers are the gateway's own (X-Consumer-Id, -Credential, "
                        + "-Groups); pick another name");
            } else if (RESERVED_HEADERS.contains(lower) || lower.startsWith("proxy-")) {
                problems.add(path, "'" + header + "' cannot carry a claim; pick another header name");
            } else if (!seen.add(lower)) {
                problems.add(path, "header '" + header + "' already carries another claim");
            }
        });
    }

    private static boolean cleartextToRemoteHost(URI uri) {
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            return false;
        }
        String host = uri.getHost();
        if (host.equalsIgnoreCase("localhost")) {
            return false;
        }
        if (!host.matches("[0-9.]+") && !host.startsWith("[")) {
            return true;
        }
        try {
            return !InetAddress.getByName(host).isLoopbackAddress();   // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private static void notBlank(String key, String value, Problems problems) {
        if (value != null && value.isBlank()) {
            problems.add(key, "must not be empty (leave it out for the default; an unset ${VAR:} gives empty)");
        }
    }

    private static void noBlankItems(String key, List<String> values, Problems problems) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isBlank()) {
                problems.add(key + "[" + i + "]", "must not be empty");
            }
        }
    }

    private static void atMost(String key, Duration value, Duration max, Problems problems) {
        if (value.compareTo(max) > 0) {
            problems.add(key, "must be at most " + (max.toMinutesPart() == 0 ? max.toHours() + "h" : max.toMinutes()
                    + "m") + ", got " + value);
        }
    }

    private static void positiveAtMost(String key, Duration value, Duration max, Problems problems) {
        if (value.isZero() || value.compareTo(max) > 0) {   // the core refuses negative durations
            problems.add(key, "must be more than 0 and at most " + max.toSeconds() + "s, got " + value);
        }
    }
}
