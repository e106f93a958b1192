package io.gatehouse.api;

/**
 * One stage of the request path. An instance is created once per route binding and per config generation, and
 * is called concurrently from many virtual threads: it must be thread-safe.
 *
 * <p>Code before {@code chain.proceed(exchange)} runs in the request phase, code after it in the response phase.
 * A filter short-circuits by returning its own {@link Response} without calling {@code proceed}; calling
 * {@code proceed} more than once fails with an {@link IllegalStateException} naming the filter.
 */
@FunctionalInterface
public interface Filter extends AutoCloseable {

    /**
     * Handles one exchange.
     *
     * @param exchange the request being served; its request may be changed before calling {@code proceed}
     * @param chain    the rest of the chain; call {@link Chain#proceed(Exchange)} at most once
     * @return the response to send back, never {@code null}
     * @throws GatewayException to answer with that status as an RFC 9457 problem document
     * @throws Exception        anything else becomes a 500 problem; the detail goes to the log only
     */
    Response filter(Exchange exchange, Chain chain) throws Exception;

    /**
     * Whether this filter authenticates: identifies the consumer from a credential in the request. The core treats
     * the authenticating filters of a route as one decision, the way Kong does:
     * <ul>
     *   <li>a filter that finds its credential verifies it, then either records the consumer with
     *       {@link Exchange#authenticate} and proceeds, or refuses the request (401, or 403 for a valid credential
     *       without the rights the route asks for): the first filter that finds its credential decides;</li>
     *   <li>a filter that finds no credential of its kind records a {@link Exchange#challenge} and proceeds, or,
     *       when configured with an anonymous consumer, records that consumer (see {@link Consumer#anonymous});</li>
     *   <li>a filter that runs after a (non-anonymous) consumer was identified proceeds without looking;</li>
     *   <li>after the route's last authenticating filter, the core refuses a request that still has no consumer
     *       with 401, {@code WWW-Authenticate} carrying every recorded challenge. No request passes a route's
     *       authentication without a consumer, whatever a filter forgot.</li>
     * </ul>
     *
     * @return {@code true} for an authentication filter; the default is {@code false}
     * @since 1.2.0
     */
    default boolean authenticates() {
        return false;
    }

    /**
     * The request headers this filter sets to tell the upstream about the consumer ({@code X-Consumer-Id} and
     * friends are always covered; list here the ones the filter is configured to add, e.g. a forwarded claim's
     * {@code X-User-Email}). The core removes every one of them, whatever the case, from each request on the
     * filter's route before the first filter runs, so that a client can never pose as a consumer by sending them.
     *
     * @return header names; the default is none
     * @since 1.2.0
     */
    default java.util.Set<String> identityHeaders() {
        return java.util.Set.of();
    }

    /**
     * Releases what the filter holds. Called once, after the config generation that created it has drained.
     * The default does nothing.
     */
    @Override
    default void close() {
    }
}
