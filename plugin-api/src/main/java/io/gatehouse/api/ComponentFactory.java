package io.gatehouse.api;

import org.pf4j.ExtensionPoint;

/**
 * Creates one kind of component from its config. A factory is stateless and lives as long as its plugin; it
 * creates a new component for every place the config names it, once per config generation.
 *
 * <p>The lifecycle is: the core binds the config section strictly to {@link #configType()} (an unknown key is an
 * error), calls {@link #validate} (pure, no I/O), then {@link #create} (may do I/O) before the generation
 * serves, and {@link AutoCloseable#close()} after it has drained.
 *
 * @param <C> the config record
 * @param <T> the component
 */
public interface ComponentFactory<C extends Record, T extends AutoCloseable> extends ExtensionPoint {

    /**
     * The component id: a namespace and a snake_case name, e.g. {@code filter.jwt}, {@code lb.round_robin},
     * {@code discovery.consul}. In config the component is named without its namespace.
     *
     * @return the id, never {@code null}; two factories with one id are a startup error
     */
    String id();

    /**
     * The record the component's config binds to. Record components are matched to snake_case keys
     * ({@code jwksUrl} ↔ {@code jwks_url}); supported types are String, boolean, int, long, double, Duration
     * ({@code 500ms}, {@code 5s}, {@code 1m}), enums, List, Map with String keys, and nested records.
     *
     * @return the config type, never {@code null}
     */
    Class<C> configType();

    /**
     * Checks a bound config for problems the types alone cannot express. Pure: no I/O.
     *
     * @param config   the bound config
     * @param problems where to report every problem, with its path relative to this config
     */
    default void validate(C config, Problems problems) {
    }

    /**
     * Creates the component. Called only for a config that passed {@link #validate}.
     *
     * @param config  the bound, valid config
     * @param context what the core offers the component
     * @return the component, never {@code null}
     * @throws Exception if it cannot be created; the config generation is then refused with this message
     */
    T create(C config, PluginContext context) throws Exception;

    /**
     * Whether {@link #create} may run as a dry run: it opens nothing — no sockets or connections, no files written,
     * no threads, timers or processes started, no calls to other systems — and {@link AutoCloseable#close()} on
     * the component undoes all it did. {@code gatehouse check} then creates the component from the checked config
     * and closes it at once, so that a failure only {@code create} finds (a key that does not parse, a class the
     * plugin did not bundle) is reported before the config is deployed; for any other component {@code check}
     * binds the config and runs {@link #validate} only. State from {@link PluginContext#state} taken in a dry run
     * is closed with it.
     *
     * <p>Say {@code true} only when it holds for every config: a discovery source that connects in {@code create},
     * or a filter that fetches keys there, must keep the default.
     *
     * @return {@code false} by default
     * @since 1.5.0
     */
    default boolean createIsSideEffectFree() {
        return false;
    }
}
