package io.gatehouse.api.testkit;

import io.gatehouse.api.PluginContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link PluginContext} for one component across simulated config generations, keeping
 * {@link #state(String, Callable) state} the way the core does: the same component with an equal config gets the
 * same state object in the next generation; a state is closed once every generation that asked for it has
 * {@linkplain #drained() drained}.
 *
 * <pre>{@code
 * TestPluginContext first = TestPluginContext.of("filter.rate_limit", config);
 * Filter a = factory.create(config, first);
 * TestPluginContext second = first.reload(config);      // next generation, same config: same state
 * Filter b = factory.create(config, second);
 * TestPluginContext third = second.reload(changed);     // a changed config: a new state
 * a.close(); first.drained();                           // still held by the second generation
 * b.close(); second.drained();                          // now closed
 * }</pre>
 *
 * Thread-safe; {@link #state} may be called from several threads.
 */
public final class TestPluginContext implements PluginContext {

    private final Store store;
    private final String componentId;
    private final String location;
    private final Path home;
    private final Object config;

    private TestPluginContext(Store store, String componentId, String location, Path home, Object config) {
        this.store = store;
        this.componentId = Objects.requireNonNull(componentId, "componentId");
        this.location = location;
        this.home = home;
        this.config = config;
    }

    /**
     * The context of a component's first generation, at location {@code test}, with the current folder as home.
     *
     * @param componentId the full component id, e.g. {@code filter.rate_limit}
     * @param config      the component's config, compared with {@code equals} on {@link #reload}; may be {@code null}
     * @return the context
     */
    public static TestPluginContext of(String componentId, Object config) {
        return of(componentId, config, Path.of("").toAbsolutePath());
    }

    /**
     * Like {@link #of(String, Object)}, with the gateway home the component should see.
     *
     * @param componentId the full component id
     * @param config      the component's config; may be {@code null}
     * @param home        the gateway home
     * @return the context
     */
    public static TestPluginContext of(String componentId, Object config, Path home) {
        return new TestPluginContext(new Store(), componentId, "test", Objects.requireNonNull(home, "home"), config);
    }

    /**
     * The same component in the next generation. This generation keeps serving (and holding its states) until
     * {@link #drained()}.
     *
     * @param nextConfig the component's config in the next generation
     * @return the next generation's context
     */
    public TestPluginContext reload(Object nextConfig) {
        return new TestPluginContext(store, componentId, location, home, nextConfig);
    }

    /**
     * Ends this generation, as the core does once it has drained: every state it asked for that no other live
     * generation holds is closed, newest first.
     *
     * @throws Exception the first exception a state's {@code close} threw (the others are closed regardless)
     */
    public void drained() throws Exception {
        store.release(this);
    }

    /**
     * @return the states this generation holds, in the order it first asked for them
     */
    public List<AutoCloseable> states() {
        return store.heldBy(this);
    }

    @Override
    public <S extends AutoCloseable> S state(String name, Callable<S> create) throws Exception {
        return store.acquire(this, new Key(name, config), create);
    }

    @Override
    public String componentId() {
        return componentId;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public Path home() {
        return home;
    }

    @Override
    public System.Logger logger() {
        return System.getLogger("gatehouse." + componentId);
    }

    /**
     * @return the component's meters, readable back; shared by every generation of this context, as the core's are
     * @since 1.3.0
     */
    @Override
    public TestMeters meters() {
        return store.meters;
    }

    private record Key(String name, Object config) {
    }

    /** The states of one component, with the generations (contexts) that hold each. */
    private static final class Store {
        private final TestMeters meters = new TestMeters();
        /** A lock rather than {@code synchronized}: a state's create may block, and must not pin a carrier. */
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<Key, AutoCloseable> states = new LinkedHashMap<>();
        private final Map<Key, Set<TestPluginContext>> holders = new LinkedHashMap<>();
        private final Set<TestPluginContext> drained = new LinkedHashSet<>();

        <S extends AutoCloseable> S acquire(TestPluginContext generation, Key key, Callable<S> create)
                throws Exception {
            lock.lock();
            try {
                if (drained.contains(generation)) {
                    throw new IllegalStateException("this generation has drained; its component cannot ask for state");
                }
                AutoCloseable state = states.get(key);
                if (state == null) {
                    state = Objects.requireNonNull(create.call(), "the state's create returned null");
                    states.put(key, state);
                }
                holders.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(generation);
                @SuppressWarnings("unchecked")
                S typed = (S) state;
                return typed;
            } finally {
                lock.unlock();
            }
        }

        List<AutoCloseable> heldBy(TestPluginContext generation) {
            lock.lock();
            try {
                List<AutoCloseable> held = new ArrayList<>();
                holders.forEach((key, generations) -> {
                    if (generations.contains(generation)) {
                        held.add(states.get(key));
                    }
                });
                return held;
            } finally {
                lock.unlock();
            }
        }

        void release(TestPluginContext generation) throws Exception {
            List<AutoCloseable> unused = new ArrayList<>();
            lock.lock();
            try {
                drained.add(generation);
                holders.entrySet().removeIf(entry -> {
                    entry.getValue().remove(generation);
                    if (entry.getValue().isEmpty()) {
                        unused.addFirst(states.remove(entry.getKey()));
                        return true;
                    }
                    return false;
                });
            } finally {
                lock.unlock();
            }
            Exception first = null;
            for (AutoCloseable state : unused) {
                try {
                    state.close();
                } catch (Exception e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
