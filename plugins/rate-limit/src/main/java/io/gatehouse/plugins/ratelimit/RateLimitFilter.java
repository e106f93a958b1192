package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;

import java.util.List;

/**
 * Checks a request against each policy in order: the first that refuses answers 429 with {@code Retry-After};
 * policies checked before it have counted the request. Responses carry the {@code RateLimit-*} headers of the
 * policy closest to its limit.
 */
final class RateLimitFilter implements Filter {

    /** A policy with its key and counters. */
    record Bound(LimitKey key, Limiter limiter, RateLimitConfig.Policy policy) {
    }

    private final List<Bound> policies;
    private final boolean headers;

    RateLimitFilter(List<Bound> policies, boolean headers) {
        this.policies = List.copyOf(policies);
        this.headers = headers;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        Decision shown = null;
        for (Bound bound : policies) {
            Decision decision = bound.limiter().acquire(bound.key().of(exchange));
            if (!decision.allowed()) {
                throw refusal(bound, decision);
            }
            shown = Decision.closer(shown, decision);
        }
        Response response = chain.proceed(exchange);
        if (headers && shown != null && shown.known()) {
            set(response.headers(), shown);
        }
        return response;
    }

    private GatewayException refusal(Bound bound, Decision decision) {
        long retry = Decision.seconds(decision.retryNanos());
        if (!decision.known()) {
            return new GatewayException(503, "rate_limiter_unavailable",
                    "The rate limiter cannot check this request now; try again shortly")
                    .header("Retry-After", Long.toString(retry));
        }
        RateLimitConfig.Policy policy = bound.policy();
        GatewayException refused = new GatewayException(429, "rate_limited", "Too many requests: the limit of "
                + policy.limit() + " per " + window(policy) + " by " + policy.key() + " is reached; retry after "
                + retry + " s").header("Retry-After", Long.toString(retry));
        if (headers) {
            refused.header("RateLimit-Limit", Long.toString(decision.limit()))
                    .header("RateLimit-Remaining", "0")
                    .header("RateLimit-Reset", Long.toString(Math.max(retry, Decision.seconds(decision.resetNanos()))));
        }
        return refused;
    }

    private static void set(Headers headers, Decision decision) {
        headers.set("RateLimit-Limit", Long.toString(decision.limit()));
        headers.set("RateLimit-Remaining", Long.toString(decision.remaining()));
        headers.set("RateLimit-Reset", Long.toString(Decision.seconds(decision.resetNanos())));
    }

    /** @return the window as config spells it: {@code 10s}, {@code 1h}, {@code 1m30s} */
    private static String window(RateLimitConfig.Policy policy) {
        return policy.window().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
