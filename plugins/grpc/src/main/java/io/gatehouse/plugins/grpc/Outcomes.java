package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Exchange;

/** How a call went, for the endpoint's passive health: kept on the exchange until the core asks. */
final class Outcomes {

    private static final String UNAVAILABLE = "grpc.endpoint_unavailable";

    private Outcomes() {
    }

    /**
     * Records that the call ended {@code UNAVAILABLE} before the upstream answered (connection refused or reset, or
     * the server's own UNAVAILABLE): counted against the endpoint. Call it before {@code send} returns.
     */
    static void unavailable(Exchange exchange, boolean unavailable) {
        if (unavailable) {
            exchange.attributes().put(UNAVAILABLE, Boolean.TRUE);
        }
    }

    static boolean unavailable(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.attributes().get(UNAVAILABLE));
    }
}
