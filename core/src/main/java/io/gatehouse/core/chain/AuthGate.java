package io.gatehouse.core.chain;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;

import java.util.List;

/**
 * Stands after the last authenticating filter of a route ({@link Filter#authenticates()}) and refuses, with 401, a
 * request that none of them identified: the authentication filters of a route decide together, and whatever one of
 * them forgot, nothing passes without a consumer. The challenges the filters recorded go into
 * {@code WWW-Authenticate}, so the client learns which credentials the route takes. A request that was identified
 * goes on with {@code X-Consumer-Id}, {@code X-Consumer-Credential} and {@code X-Consumer-Groups} set for the
 * upstream (any the client sent were removed by {@link ConsumerHeaders}).
 */
final class AuthGate implements Filter {

    static final String NAME = "authentication";
    /** The consumer's id, for the upstream. */
    static final String CONSUMER_ID = "X-Consumer-Id";
    /** How the consumer was identified: {@code jwt}, {@code api_key}, {@code basic}, {@code oauth2}, {@code anonymous}. */
    static final String CONSUMER_CREDENTIAL = "X-Consumer-Credential";
    /** The consumer's groups, comma-separated; absent when it has none. */
    static final String CONSUMER_GROUPS = "X-Consumer-Groups";
    private static final System.Logger LOG = System.getLogger(AuthGate.class.getName());

    private final String routeId;

    AuthGate(String routeId) {
        this.routeId = routeId;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        io.gatehouse.api.Consumer consumer = exchange.authenticated().orElse(null);
        if (consumer != null) {
            Headers headers = exchange.request().headers();
            headers.set(CONSUMER_ID, consumer.id());
            headers.set(CONSUMER_CREDENTIAL, consumer.credential());
            if (!consumer.groups().isEmpty()) {
                headers.set(CONSUMER_GROUPS, String.join(",", consumer.groups()));
            }
            return chain.proceed(exchange);
        }
        List<String> challenges = exchange instanceof GatewayExchange gateway ? gateway.challenges() : List.of();
        LOG.log(System.Logger.Level.INFO, () -> "request " + exchange.requestId() + " on route '" + routeId
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
