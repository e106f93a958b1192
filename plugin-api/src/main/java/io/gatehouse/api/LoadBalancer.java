package io.gatehouse.api;

import java.util.List;
import java.util.Optional;

/**
 * Chooses the endpoint for one request. Called concurrently on the request path: it must be thread-safe and
 * should not take locks.
 */
public interface LoadBalancer extends AutoCloseable {

    /**
     * Chooses one endpoint.
     *
     * @param healthy  the endpoints this request may go to right now: healthy, of a weight above 0 (weight 0 is
     *                 never chosen, so the core leaves those out), not behind an open circuit, and not already
     *                 tried by this request's retries; may differ between two calls, never {@code null} nor empty
     * @param exchange the request being routed (for hashing on a header, cookie, client IP, ...)
     * @return the endpoint, or empty if none fits (the core answers 503)
     */
    Optional<Endpoint> choose(List<Endpoint> healthy, Exchange exchange);

    /**
     * Told when a request sent to an endpoint this balancer chose has finished. The default does nothing.
     *
     * @param endpoint       the endpoint
     * @param durationNanos  how long the upstream took
     * @param failed         whether it failed (connect error, timeout or 5xx)
     */
    default void completed(Endpoint endpoint, long durationNanos, boolean failed) {
    }

    /** Releases what the balancer holds. The default does nothing. */
    @Override
    default void close() {
    }
}
