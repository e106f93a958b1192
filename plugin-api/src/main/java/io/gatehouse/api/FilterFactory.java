package io.gatehouse.api;

/**
 * Creates {@link Filter}s; its id is in the {@code filter.} namespace.
 *
 * @param <C> the config record
 */
public interface FilterFactory<C extends Record> extends ComponentFactory<C, Filter> {
}
