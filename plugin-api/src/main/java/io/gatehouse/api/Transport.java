package io.gatehouse.api;

/**
 * Sends a request to a chosen endpoint, for protocols the core's HTTP proxy does not speak (gRPC, ...).
 */
public interface Transport extends AutoCloseable {

    /**
     * Sends the exchange's request to the endpoint.
     *
     * @param exchange the exchange
     * @param target   the endpoint chosen by the balancer
     * @return the upstream response, with its body streaming
     * @throws GatewayException 502 when the endpoint cannot be reached, 504 on timeout
     * @throws Exception        anything else becomes a 502
     */
    Response send(Exchange exchange, Endpoint target) throws Exception;

    /** Releases connections. The default does nothing. */
    @Override
    default void close() {
    }
}
