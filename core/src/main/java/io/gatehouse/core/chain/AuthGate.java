package io.gatehouse.core.chain;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;
import io.gatehouse.core.proxy.FailureLog;

import java.util.List;

/**
 * Stands after the last authenticating filter of a route ({@link Filter#authenticates()}) and refuses, with 401, a
 * request that none of them identified: the authentication filters of a route decide together, and whatever one of
 * them forgot, nothing passes without a consumer. The challenges the filters recorded go into
 * {@code WWW-Authenticate}, so the client learns which credentials the route takes.
 */
final class AuthGate implements Filter {

    static final String NAME = "authentication";
    private static final FailureLog LOG = FailureLog.perSecond();

    private final String routeId;

    AuthGate(String routeId) {
        this.routeId = routeId;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        if (exchange.authenticated().isPresent()) {
            return chain.proceed(exchange);
        }
        List<String> challenges = exchange instanceof GatewayExchange gateway ? gateway.challenges() : List.of();
        LOG.log("auth-missing " + routeId, () -> "request " + exchange.requestId() + " on route '" + routeId
                + "': 401, no credential (route takes: " + (challenges.isEmpty() ? "-" : String.join(", ", challenges))
                + ")");
        GatewayException refusal = new GatewayException(401, "unauthorized",
                "This route requires authentication and the request carries no credential it accepts.");
        if (!challenges.isEmpty()) {
            refusal.header("WWW-Authenticate", String.join(", ", challenges));
        }
        throw refusal;
    }

    /**
     * Puts a gate right after the last authenticating filter of {@code filters}, if there is one.
     *
     * @return the filters with the gate in place; {@code filters} itself when none authenticates
     */
    static List<FilterChain.NamedFilter> guard(String routeId, List<FilterChain.NamedFilter> filters) {
        int last = -1;
        for (int i = 0; i < filters.size(); i++) {
            if (filters.get(i).filter().authenticates()) {
                last = i;
            }
        }
        if (last < 0) {
            return filters;
        }
        List<FilterChain.NamedFilter> guarded = new java.util.ArrayList<>(filters);
        guarded.add(last + 1, new FilterChain.NamedFilter(NAME, new AuthGate(routeId)));
        return guarded;
    }
}
