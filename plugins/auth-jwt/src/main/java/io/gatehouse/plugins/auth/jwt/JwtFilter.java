package io.gatehouse.plugins.auth.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Consumer;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.lang.System.Logger.Level.INFO;

/**
 * {@code filter.jwt} on one route: finds the request's token, verifies it ({@link VerifiedTokens}, {@link TokenVerifier}), and on success
 * records the consumer, forwards the configured claims as headers and removes the token before the upstream. A
 * request without a token is left to the core's authentication gate (with a {@code Bearer} challenge recorded), or
 * admitted as the anonymous consumer when one is configured. Immutable; one instance serves every request of its
 * route.
 */
final class JwtFilter implements Filter {

    private final VerifiedTokens verifier;
    private final KeySource keys;
    private final ClaimChecks claims;
    private final RequestTokens tokens;
    private final JwtConfig config;
    private final String challenge;
    private final Set<String> identityHeaders;
    private final System.Logger log;

    JwtFilter(JwtConfig config, VerifiedTokens verifier, KeySource keys, ClaimChecks claims, System.Logger log) {
        this.config = config;
        this.verifier = verifier;
        this.keys = keys;
        this.claims = claims;
        this.tokens = new RequestTokens(config.cookie(), config.queryParam());
        this.challenge = "Bearer realm=\"" + config.realm() + "\"";
        this.identityHeaders = Set.copyOf(config.forwardClaims().values());
        this.log = log;
    }

    @Override
    public boolean authenticates() {
        return true;
    }

    @Override
    public Set<String> identityHeaders() {
        return identityHeaders;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        Optional<Consumer> earlier = exchange.authenticated();
        if (earlier.isPresent() && !earlier.get().isAnonymous()) {
            return chain.proceed(exchange);
        }
        String token;
        ObjectNode verified;
        try {
            token = tokens.find(exchange.request());
            verified = token == null ? null : verifier.verify(token);
        } catch (Rejection rejection) {
            throw refuse(exchange, rejection);
        }
        if (verified == null) {
            exchange.challenge(challenge);
            if (config.anonymous() != null && earlier.isEmpty()) {
                exchange.authenticate(Consumer.anonymous(config.anonymous()));
            }
            return chain.proceed(exchange);
        }
        Map<String, String> forwarded = forwarded(verified);
        exchange.authenticate(new Consumer(claims.consumerId(verified), Consumer.JWT, groups(verified), forwarded));
        config.forwardClaims().forEach((claim, header) -> {
            String value = forwarded.get(claim);
            if (value != null) {
                exchange.request().headers().set(header, value);
            }
        });
        if (!config.keepCredential()) {
            tokens.remove(exchange.request());
        }
        return chain.proceed(exchange);
    }

    private GatewayException refuse(Exchange exchange, Rejection rejection) {
        Rejection.Reason reason = rejection.reason();
        if (reason.status() < 500) { // the core logs its 5xx answers itself, with the request id and the detail
            log.log(INFO, "request " + exchange.requestId() + " on route '" + exchange.routeId() + "': "
                    + reason.status() + " " + reason.error() + " (" + rejection.logText() + ")");
        }
        GatewayException refusal = new GatewayException(reason.status(), reason.error(), reason.description());
        if (reason == Rejection.Reason.KEYS_UNAVAILABLE) {
            return refusal.header("Retry-After", Long.toString(keys.retryAfterSeconds()));
        }
        String scope = reason == Rejection.Reason.INSUFFICIENT_SCOPE
                ? ", scope=\"" + String.join(" ", claims.scopes()) + "\"" : "";
        return refusal.header("WWW-Authenticate", challenge + ", error=\"" + reason.error()
                + "\", error_description=\"" + reason.description() + "\"" + scope);
    }

    /** @return the forwarded claims that the token has in a form a header can carry, by claim name */
    private Map<String, String> forwarded(ObjectNode verified) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String claim : config.forwardClaims().keySet()) {
            String value = text(verified.get(claim));
            if (value != null) {
                values.put(claim, value);
            }
        }
        return values;
    }

    /**
     * @return a scalar's text, or an array of scalars joined with commas; {@code null} for anything else and for text
     * that is not printable ASCII, which a header cannot carry safely
     */
    private static String text(JsonNode claim) {
        if (claim == null || claim.isNull() || claim.isObject()) {
            return null;
        }
        String text;
        if (claim.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode element : claim) {
                if (!element.isValueNode() || element.isNull()) {
                    return null;
                }
                parts.add(element.asText());
            }
            text = String.join(",", parts);
        } else {
            text = claim.asText();
        }
        return ClaimChecks.printableAscii(text) ? text : null;
    }

    /**
     * @return the groups claim's strings; a group that is blank, holds a comma (the separator of
     * {@code X-Consumer-Groups}) or anything but printable ASCII is left out
     */
    private List<String> groups(ObjectNode verified) {
        if (config.groupsClaim() == null) {
            return List.of();
        }
        return ClaimChecks.strings(verified.get(config.groupsClaim())).stream()
                .filter(group -> !group.isBlank() && group.indexOf(',') < 0 && ClaimChecks.printableAscii(group))
                .distinct().toList();
    }
}
