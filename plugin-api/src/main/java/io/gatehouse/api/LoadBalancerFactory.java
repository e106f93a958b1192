package io.gatehouse.api;

/**
 * Creates {@link LoadBalancer}s; its id is in the {@code lb.} namespace.
 *
 * @param <C> the config record
 */
public interface LoadBalancerFactory<C extends Record> extends ComponentFactory<C, LoadBalancer> {
}
