package io.gatehouse.api;

import java.time.Duration;
import java.util.List;

/**
 * Sends requests to an upstream's endpoints for protocols the core's HTTP proxy does not speak (gRPC, ...). An
 * upstream names its transport with {@code transport: {type: <name>, ...}}; the core then chooses each request's
 * endpoint (discovery, health, balancer, circuit breaker, exactly as for HTTP) and hands the exchange to
 * {@link #send(Exchange, Endpoint, Duration)} instead of proxying it.
 *
 * <p>A transport lives as long as its upstream's config is unchanged: across config reloads that keep the upstream,
 * so connections it holds per endpoint survive them ({@link #reloaded()} tells it a reload happened). It is called
 * from many request threads at once and must be thread-safe.
 *
 * <p>How an attempt counts against its endpoint (passive health checks, circuit breakers, the balancer's
 * completion): a returned response by {@link #failed(Exchange, Response)}; a thrown {@link GatewayException} with
 * status 502, 503 or 504 as a failure, with another status as the client's doing; the client's request body failing
 * under {@code send} (it went away, sent too much) as the client's doing; any other exception as the transport's own
 * failure, answered with 502 and counted against nobody. The core does not retry a transport's call on another
 * endpoint.
 */
public interface Transport extends AutoCloseable {

    /**
     * Sends the exchange's request to the endpoint.
     *
     * @param exchange the exchange
     * @param target   the endpoint chosen by the balancer
     * @return the upstream response, with its body streaming
     * @throws GatewayException 502 or 503 when the endpoint cannot be reached, 504 on timeout (counted against it)
     * @throws Exception        anything else becomes a 502, counted against nobody
     */
    Response send(Exchange exchange, Endpoint target) throws Exception;

    /**
     * Sends the exchange's request to the endpoint within the route's timeout. The core calls this one; the
     * default ignores the timeout and calls {@link #send(Exchange, Endpoint)}.
     *
     * @param exchange the exchange
     * @param target   the endpoint chosen by the balancer
     * @param timeout  the route's {@code timeout}: how long the upstream may take to answer
     * @return the upstream response, with its body streaming
     * @throws Exception as {@link #send(Exchange, Endpoint)}
     * @since 1.4.0
     */
    default Response send(Exchange exchange, Endpoint target, Duration timeout) throws Exception {
        return send(exchange, target);
    }

    /**
     * Whether a response this transport returned counts as its endpoint's failure (for passive health checks and
     * circuit breakers). The default, like the HTTP proxy: a status of 500 or more.
     *
     * @param exchange the exchange the response answers
     * @param response the response {@link #send} returned
     * @return {@code true} to count a failure against the endpoint
     * @since 1.4.0
     */
    default boolean failed(Exchange exchange, Response response) {
        return response.status() >= 500;
    }

    /**
     * The upstream's endpoints changed (discovery): a transport that holds connections per endpoint may release
     * those of endpoints no longer listed. Called from discovery's thread; the default does nothing.
     *
     * @param endpoints every endpoint of the upstream now, healthy or not
     * @since 1.4.0
     */
    default void endpoints(List<Endpoint> endpoints) {
    }

    /**
     * The gateway's config was reloaded and this transport kept (its upstream's config did not change): a transport
     * that caches what it learnt from its endpoints (schemas, ...) may refresh it now. Called from the reloading
     * thread, which it must not hold up; the default does nothing.
     *
     * @since 1.4.0
     */
    default void reloaded() {
    }

    /** Releases connections. The default does nothing. */
    @Override
    default void close() {
    }
}
