package io.gatehouse.api;

/**
 * The rest of the filter chain, as seen by one {@link Filter}.
 */
@FunctionalInterface
public interface Chain {

    /**
     * Runs the remaining filters and the upstream call.
     *
     * @param exchange the exchange to pass on (normally the one the filter received)
     * @return the response of the rest of the chain, never {@code null}; its body must be consumed or closed
     * @throws IllegalStateException if called more than once by the same filter for the same exchange
     * @throws GatewayException      if a later stage failed with a known status (timeout, no upstream, ...)
     * @throws Exception             anything a later stage threw
     */
    Response proceed(Exchange exchange) throws Exception;
}
