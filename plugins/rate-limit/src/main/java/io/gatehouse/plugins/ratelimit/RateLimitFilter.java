package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Meters;
import io.gatehouse.api.Response;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a request against each policy in order: the first that refuses answers 429 with {@code Retry-After};
 * policies checked before it have counted the request. Responses carry the {@code RateLimit-*} headers of the
 * policy closest to its limit. Each refusal counts in {@code gatehouse_rate_limited_total{route,policy}} (the
 * plugin's meters), the policy named by its key and window, e.g. {@code ip/1s}.
 */
final class RateLimitFilter implements Filter {

    /** A policy with its key and counters. */
    record Bound(LimitKey key, Limiter limiter, RateLimitConfig.Policy policy) {
    }

    private final List<Bound> policies;
    private final boolean headers;
    private final Meters meters;
    /** The refusal counters by policy index and route id, resolved on a route's first refusal. */
    private final List<Map<String, Meters.Counter>> refusals;

    RateLimitFilter(List<Bound> policies, boolean headers) {
        this(policies, headers, Meters.NOOP);
    }

    RateLimitFilter(List<Bound> policies, boolean headers, Meters meters) {
        this.policies = List.copyOf(policies);
        this.headers = headers;
        this.meters = meters;
        this.refusals = this.policies.stream().map(p -> (Map<String, Meters.Counter>) new ConcurrentHashMap<String,
                Meters.Counter>()).toList();
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        Decision shown = null;
        for (int i = 0; i < policies.size(); i++) {
            Bound bound = policies.get(i);
            Decision decision = bound.limiter().acquire(bound.key().of(exchange));
            if (!decision.allowed()) {
                if (decision.known()) {
                    refused(i, exchange.routeId());
                }
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

    private void refused(int policy, String routeId) {
        Meters.Counter counter = refusals.get(policy).get(routeId);
        if (counter == null) {
            RateLimitConfig.Policy config = policies.get(policy).policy();
            counter = refusals.get(policy).computeIfAbsent(routeId, route -> meters.counter("rate_limited",
                    "route", route.isEmpty() ? "unmatched" : route, "policy", config.key() + "/" + window(config)));
        }
        counter.increment();
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
