package io.gatehouse.api;

/**
 * Creates {@link ServiceDiscovery}s; its id is in the {@code discovery.} namespace.
 *
 * @param <C> the config record
 */
public interface DiscoveryFactory<C extends Record> extends ComponentFactory<C, ServiceDiscovery> {
}
