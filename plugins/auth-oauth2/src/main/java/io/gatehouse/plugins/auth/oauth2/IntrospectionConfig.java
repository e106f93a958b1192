package io.gatehouse.plugins.auth.oauth2;

import io.gatehouse.api.Required;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Config of {@code filter.oauth2_introspection}.
 *
 * <pre>{@code
 * - oauth2_introspection:
 *     introspection_url: "https://auth.example.com/oauth2/introspect"
 *     client_id: gateway
 *     client_secret: "${INTROSPECTION_SECRET}"
 *     required_scopes: [ orders.read ]
 * }</pre>
 *
 * @param introspectionUrl   the authorization server's RFC 7662 endpoint, {@code http(s)://}; required
 * @param clientId           the gateway's client id at the authorization server; required
 * @param clientSecret       its secret, usually {@code ${ENV}}; required, never logged
 * @param clientAuth         how the client authenticates to the endpoint: {@code basic} (HTTP Basic, RFC 6749
 *                           §2.3.1) or {@code body} ({@code client_id}/{@code client_secret} form fields); default
 *                           {@code basic}
 * @param tokenTypeHint      the {@code token_type_hint} sent with each token; default {@code access_token}; empty
 *                           sends none
 * @param timeout            the longest one introspection call may take, connect to last byte; default {@code 2s}
 * @param connectTimeout     the longest the TCP (and TLS) connect may take; default {@code 2s}
 * @param cacheTtl           how long an active result is kept; never beyond the token's {@code exp}; default
 *                           {@code 30s}; {@code 0s} caches nothing; at most {@code 24h}
 * @param negativeCacheTtl   how long a refused result (inactive, expired) is kept; default {@code 5s}; {@code 0s}
 *                           caches none; at most {@code 10m}
 * @param maximumEntries     the most results kept, active and refused together; default {@code 10000}
 * @param maxConcurrentCalls the most introspection calls in flight at once; beyond it a request with a token not in
 *                           the cache gets the {@code unavailable_status} at once; default {@code 64}
 * @param unavailableStatus  the answer when the endpoint cannot be used (down, slow, refusing our client, answering
 *                           nonsense): {@code 503} or {@code 401}; default {@code 503}
 * @param requiredScopes     scopes the token must all have, else 403; default none
 * @param scopeClaim         the claim holding the scopes (a space-separated string or an array); default
 *                           {@code scope}
 * @param issuer             the {@code iss} the result must carry, compared exactly; default: not checked
 * @param audiences          the result's {@code aud} (a string or an array) must hold one of these; default: not
 *                           checked
 * @param consumerClaim      the claim that names the consumer; default {@code sub}, falling back to
 *                           {@code username}, then {@code client_id}
 * @param groupsClaim        the claim holding the consumer's groups (an array or a space-separated string);
 *                           default: no groups
 * @param attributes         claims kept as the consumer's attributes (for ACLs, logs, scripts); default none
 * @param forwardClaims      claims sent to the upstream as request headers, claim name to header name; default none
 * @param keepCredential  whether the {@code Authorization} header goes on to the upstream; default {@code false}
 * @param anonymous          the consumer a request without a bearer token is admitted as; default: none (such a
 *                           request is refused unless another filter of the route identifies it)
 * @param realm              the {@code realm} of the {@code WWW-Authenticate} challenge; default {@code gatehouse}
 */
public record IntrospectionConfig(@Required String introspectionUrl, @Required String clientId,
                                  @Required String clientSecret, ClientAuth clientAuth, String tokenTypeHint,
                                  Duration timeout, Duration connectTimeout, Duration cacheTtl,
                                  Duration negativeCacheTtl, Integer maximumEntries, Integer maxConcurrentCalls,
                                  Integer unavailableStatus, List<String> requiredScopes, String scopeClaim,
                                  String issuer, List<String> audiences, String consumerClaim, String groupsClaim,
                                  List<String> attributes, Map<String, String> forwardClaims,
                                  boolean keepCredential, String anonymous, String realm) {

    /** How the gateway authenticates itself to the introspection endpoint. */
    public enum ClientAuth {
        /** {@code Authorization: Basic} with the form-encoded id and secret (RFC 6749 §2.3.1). */
        BASIC,
        /** {@code client_id} and {@code client_secret} as form fields of the request body. */
        BODY
    }

    /** The claims tried in turn for the consumer id when {@code consumer_claim} is not set. */
    static final List<String> DEFAULT_CONSUMER_CLAIMS = List.of("sub", "username", "client_id");

    /** Applies the defaults. */
    public IntrospectionConfig {
        clientAuth = clientAuth == null ? ClientAuth.BASIC : clientAuth;
        tokenTypeHint = tokenTypeHint == null ? "access_token" : tokenTypeHint;
        timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
        cacheTtl = cacheTtl == null ? Duration.ofSeconds(30) : cacheTtl;
        negativeCacheTtl = negativeCacheTtl == null ? Duration.ofSeconds(5) : negativeCacheTtl;
        maximumEntries = maximumEntries == null ? 10_000 : maximumEntries;
        maxConcurrentCalls = maxConcurrentCalls == null ? 64 : maxConcurrentCalls;
        unavailableStatus = unavailableStatus == null ? 503 : unavailableStatus;
        requiredScopes = requiredScopes == null ? List.of() : Collections.unmodifiableList(requiredScopes);
        scopeClaim = scopeClaim == null ? "scope" : scopeClaim;
        audiences = audiences == null ? List.of() : Collections.unmodifiableList(audiences);
        attributes = attributes == null ? List.of() : Collections.unmodifiableList(attributes);
        forwardClaims = forwardClaims == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(forwardClaims));
        realm = realm == null ? "gatehouse" : realm;
    }

    /** @return the claims tried in turn for the consumer id */
    List<String> consumerClaims() {
        return consumerClaim == null ? DEFAULT_CONSUMER_CLAIMS : List.of(consumerClaim);
    }

    /** The secret stays out of {@code toString}, which may end up in a log or an error message. */
    @Override
    public String toString() {
        return "IntrospectionConfig[introspection_url=" + introspectionUrl + ", client_id=" + clientId
                + ", client_secret=<hidden>, client_auth=" + clientAuth + ", cache_ttl=" + cacheTtl + ", ...]";
    }
}
