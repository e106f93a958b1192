package io.gatehouse.api;

/**
 * Creates {@link Transport}s; its id is in the {@code transport.} namespace.
 *
 * @param <C> the config record
 */
public interface TransportFactory<C extends Record> extends ComponentFactory<C, Transport> {
}
