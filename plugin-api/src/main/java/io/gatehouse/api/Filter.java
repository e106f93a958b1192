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
     * Releases what the filter holds. Called once, after the config generation that created it has drained.
     * The default does nothing.
     */
    @Override
    default void close() {
    }
}
