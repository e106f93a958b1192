package io.gatehouse.api;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * What the core gives a component when creating it. One context per component per config generation.
 */
public interface PluginContext {

    /** @return the full component id, e.g. {@code filter.jwt} */
    String componentId();

    /** @return where the component sits in the config, e.g. {@code routes[2].filters[0]}, for log messages */
    String location();

    /** @return the gateway's home folder (with {@code conf/}, {@code plugins/}, {@code scripts/}) */
    Path home();

    /** @return a logger named after the component */
    System.Logger logger();

    /**
     * State that outlives a config generation. Components are created anew on every reload, but what they learn
     * (rate-limit counters, caches, circuit breakers, JWKS keys, connections) is worth keeping while nothing about
     * them changed. This returns the object {@code create} made for the same component in an earlier generation
     * that is still serving or draining, or else calls {@code create} now.
     *
     * <p>"The same component" means: the same component id, at the same place (the same route id and position in
     * its {@code filters} list, the same position in {@code global_filters}, or the same upstream), with an equal
     * config. Anything else gets a new object: a changed config starts from scratch, as it should, since the old
     * state may not fit it.
     *
     * <p>The core closes the object once no generation that asked for it is left: after the component's config
     * changed or it was removed and the last generation using it has drained, or at shutdown. The component must
     * not close it itself, and must not keep using it after its own {@link AutoCloseable#close()}.
     *
     * <p>Call it from {@link ComponentFactory#create}. The object is shared by two generations while one drains,
     * so it must be thread-safe, and it must not hold on to the component that made it (a per-generation object).
     *
     * @param name   which of the component's states, e.g. {@code "counters"}; a component may keep several
     * @param create makes the state when there is none to carry over; it may do I/O
     * @param <S>    the state's type; one name always means one type
     * @return the carried-over or new state, never {@code null}
     * @throws Exception                     what {@code create} threw; the component then fails to create
     * @throws UnsupportedOperationException from a context that keeps nothing across generations: neither the
     *                                       core's nor the testkit's {@code TestPluginContext}
     */
    default <S extends AutoCloseable> S state(String name, Callable<S> create) throws Exception {
        throw new UnsupportedOperationException("this PluginContext (" + getClass().getName() + ") keeps no state "
                + "across generations; in tests use io.gatehouse.api.testkit.TestPluginContext");
    }

    /**
     * The component's meters, published on the admin listener's {@code /metrics} under the component's id (see
     * {@link Meters}). They outlive the generation: the same name and tags give the same meter after a reload.
     *
     * @return the meters; contexts that publish none (older cores' and the default) return {@link Meters#NOOP},
     *         which still checks names
     * @since 1.3.0
     */
    default Meters meters() {
        return Meters.NOOP;
    }
}
