package io.gatehouse.plugins.auth.oauth2;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Consumer;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates a request by its OAuth 2.0 bearer token, asking the authorization server whether the token is
 * active (through the shared {@link Introspector}), then checks the answer against the route's config: expiry,
 * issuer, audience, consumer claim, scopes. The answers, in RFC 6750's terms:
 * <ul>
 *   <li>no bearer token: a {@code Bearer} challenge (and the {@code anonymous} consumer, if configured); the route's
 *       other authentication filters may still identify the request;</li>
 *   <li>two bearer tokens: 400 {@code invalid_request};</li>
 *   <li>an empty or malformed token, an inactive or expired one, the wrong issuer or audience, no consumer claim:
 *       401 {@code invalid_token};</li>
 *   <li>a required scope missing: 403 {@code insufficient_scope};</li>
 *   <li>the endpoint down, slow, refusing the gateway or answering nonsense: {@code unavailable_status} (503, or
 *       401 {@code invalid_token}) — never a pass.</li>
 * </ul>
 * Every refusal is one INFO log line with the request id and the reason; never the token.
 */
final class IntrospectionFilter implements Filter {

    private static final String AUTHORIZATION = "Authorization";

    private final IntrospectionConfig config;
    private final Introspector introspector;
    private final System.Logger logger;
    private final String challenge;

    IntrospectionFilter(IntrospectionConfig config, Introspector introspector, System.Logger logger) {
        this.config = config;
        this.introspector = introspector;
        this.logger = logger;
        this.challenge = "Bearer realm=\"" + config.realm() + "\"";
    }

    @Override
    public boolean authenticates() {
        return true;
    }

    @Override
    public Set<String> identityHeaders() {
        return Set.copyOf(config.forwardClaims().values());
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        Optional<Consumer> identified = exchange.authenticated();
        if (identified.isPresent() && !identified.get().isAnonymous()) {
            return chain.proceed(exchange);
        }
        Headers headers = exchange.request().headers();
        String token = bearerToken(exchange, headers.all(AUTHORIZATION));
        if (token == null) {
            exchange.challenge(challenge);
            if (config.anonymous() != null && identified.isEmpty()) {
                exchange.authenticate(Consumer.anonymous(config.anonymous()));
            }
            return chain.proceed(exchange);
        }
        TokenInfo info;
        try {
            info = introspector.introspect(token);
        } catch (Introspector.Unavailable e) {
            throw unavailable(exchange, e.getMessage());
        }
        exchange.authenticate(consumer(exchange, info));
        info.forwarded().forEach(headers::set);
        if (!config.keepCredential()) {
            headers.remove(AUTHORIZATION);
        }
        return chain.proceed(exchange);
    }

    /** @return the one bearer token of the request, or {@code null} when it has none */
    private String bearerToken(Exchange exchange, List<String> authorizations) {
        String token = null;
        for (String authorization : authorizations) {
            String value = authorization.strip();
            int space = value.indexOf(' ');
            String scheme = space < 0 ? value : value.substring(0, space);
            if (!scheme.equalsIgnoreCase("Bearer")) {
                continue;
            }
            if (token != null) {
                throw refusal(exchange, 400, "invalid_request", "two bearer tokens",
                        "The request carries more than one bearer token; send exactly one.");
            }
            token = space < 0 ? "" : value.substring(space + 1).strip();
        }
        if (token != null && !BearerSyntax.isToken(token)) {
            throw refusal(exchange, 401, "invalid_token", token.isEmpty() ? "empty bearer token"
                    : "malformed bearer token", "The bearer token is empty or not in the form of an access token.");
        }
        return token;
    }

    private Consumer consumer(Exchange exchange, TokenInfo info) {
        Instant now = introspector.now();
        if (!info.active()) {
            throw refusal(exchange, 401, "invalid_token", "token not active",
                    "The access token is not active: it is unknown, expired or revoked.");
        }
        if (!info.usableAt(now)) {
            throw refusal(exchange, 401, "invalid_token", "token expired at " + info.expiresAt(),
                    "The access token has expired.");
        }
        if (config.issuer() != null && !config.issuer().equals(info.issuer())) {
            throw refusal(exchange, 401, "invalid_token", "issuer " + quoted(info.issuer())
                    + " is not the configured one", "The access token was not issued by the issuer this route trusts.");
        }
        if (!config.audiences().isEmpty() && info.audiences().stream().noneMatch(config.audiences()::contains)) {
            throw refusal(exchange, 401, "invalid_token", "audience " + info.audiences()
                    + " holds none of the configured ones", "The access token is not meant for this API.");
        }
        if (info.consumerId() == null) {
            throw refusal(exchange, 401, "invalid_token", "no usable consumer claim (tried "
                    + String.join(", ", config.consumerClaims()) + ")", "The access token names no consumer.");
        }
        List<String> missing = config.requiredScopes().stream().filter(s -> !info.scopes().contains(s)).toList();
        if (!missing.isEmpty()) {
            String required = String.join(" ", config.requiredScopes());
            throw refusal(exchange, 403, "insufficient_scope", "consumer '" + info.consumerId() + "' lacks scope "
                    + String.join(" ", missing), "The access token lacks a scope this route requires (" + required
                    + ").", required);
        }
        return new Consumer(info.consumerId(), Consumer.OAUTH2, info.groups(), info.attributes());
    }

    private GatewayException unavailable(Exchange exchange, String reason) {
        int status = config.unavailableStatus();
        String message = "The access token could not be checked with the authorization server; try again later.";
        if (status == 503) {
            log(exchange, 503, "introspection_unavailable", reason);
            return new GatewayException(503, "introspection_unavailable", message);
        }
        return refusal(exchange, status, "invalid_token", "introspection unavailable: " + reason, message);
    }

    private GatewayException refusal(Exchange exchange, int status, String code, String reason, String message) {
        return refusal(exchange, status, code, reason, message, null);
    }

    /** Logs the refusal and builds it, with its RFC 6750 challenge ({@code scope} for a 403). */
    private GatewayException refusal(Exchange exchange, int status, String code, String reason, String message,
                                     String scope) {
        log(exchange, status, code, reason);
        return new GatewayException(status, code, message)
                .header("WWW-Authenticate", challenge(code, message, scope));
    }

    private String challenge(String error, String description, String scope) {
        return challenge + ", error=\"" + error + "\", error_description=\"" + description + "\""
                + (scope == null ? "" : ", scope=\"" + scope + "\"");
    }

    private void log(Exchange exchange, int status, String code, String reason) {
        logger.log(Level.INFO, "request " + exchange.requestId() + " from " + exchange.clientIp() + " on route '"
                + exchange.routeId() + "': " + status + " " + code + ", " + reason);
    }

    private static String quoted(String text) {
        return text == null ? "(none)" : "'" + text + "'";
    }
}
