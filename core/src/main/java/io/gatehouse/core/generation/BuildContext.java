package io.gatehouse.core.generation;

import io.gatehouse.core.chain.CoreContext;
import io.gatehouse.core.chain.UpstreamCalls;
import io.gatehouse.core.script.ScriptHost;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The context one component is created with in one build. Its state is kept by {@code owner} (the component's
 * place in terms that survive edits elsewhere: a route's id rather than its index) and its bound config.
 *
 * @param componentId the component id, e.g. {@code filter.jwt}
 * @param location    the config path of its options, for messages
 * @param home        the gateway home
 * @param upstreams   calls to the upstreams of the generation being built
 * @param scriptRuntime the script runtime, started on first use
 * @param scope       where the states it takes belong: the generation's, or the enclosing state's
 * @param owner       whose states these are, stable across generations
 * @param config      the component's bound config; another config is another state
 */
record BuildContext(String componentId, String location, Path home, UpstreamCalls upstreams,
                    Supplier<ScriptHost> scriptRuntime, StateStore.Scope scope, String owner, Object config)
        implements CoreContext {

    @Override
    public ScriptHost scripts() {
        return scriptRuntime.get();
    }

    @Override
    public io.gatehouse.api.Meters meters() {
        return scope.meters(componentId);
    }

    @Override
    public System.Logger logger() {
        return System.getLogger("gatehouse." + componentId);
    }

    @Override
    public <S extends AutoCloseable> S state(String name, Callable<S> create) throws Exception {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(componentId + ": a state needs a name");
        }
        return scope.take(owner + " " + componentId, name, config, inner -> create.call());
    }
}
