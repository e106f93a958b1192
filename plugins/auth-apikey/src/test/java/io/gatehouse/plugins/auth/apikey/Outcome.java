package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;

/** What a filter made of one request, as one comparable string. */
final class Outcome {

    private Outcome() {
    }

    /** @return the id of the consumer the filter identified, or the refusal's status and code ({@code 401 ...}) */
    static String of(Filter filter, TestExchange exchange) throws Exception {
        try {
            filter.filter(exchange, TestChain.ok());
        } catch (GatewayException e) {
            return e.status() + " " + e.code();
        }
        return exchange.authenticated().orElseThrow().id();
    }
}
