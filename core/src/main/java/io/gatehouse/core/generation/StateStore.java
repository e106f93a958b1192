package io.gatehouse.core.generation;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * State that outlives a config generation, kept by owner, name and config (Envoy's "carry over what is
 * unchanged"): asking again with an equal key gets the same object; a changed config is another key, so it gets a
 * new object while the old one stays with the generations that still use it.
 *
 * <p>Who uses a state is counted by {@link Scope}: a generation has one, and so does every state, for the states
 * made while it was created (an upstream's discovery and balancer). A state closes when the last scope holding it
 * closes: once the last generation that used it has drained, or when a build that made it fails.
 *
 * <p>One store per gateway. Builds take states one at a time (the reload lock), but scopes close from drain
 * threads at any time; the lock guards the bookkeeping only, never a {@code create} or a {@code close}.
 */
final class StateStore {

    private static final System.Logger LOG = System.getLogger(StateStore.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Key, Entry> entries = new HashMap<>();
    /** The components' meters, which outlive generations like states do. */
    private final java.util.function.Function<String, io.gatehouse.api.Meters> meters;

    StateStore() {
        this(id -> io.gatehouse.api.Meters.NOOP);
    }

    /** @param meters the meters of a component, by component id */
    StateStore(java.util.function.Function<String, io.gatehouse.api.Meters> meters) {
        this.meters = meters;
    }

    /** Makes a state; the scope is where the states it takes while being made belong. */
    @FunctionalInterface
    interface Creator<S extends AutoCloseable> {
        S create(Scope inner) throws Exception;
    }

    /** @return a new, empty scope, e.g. for a generation being built */
    Scope scope() {
        return new Scope();
    }

    /** @return how many states are alive, for tests and the admin view */
    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    private record Key(String owner, String name, Object config) {
    }

    private static final class Entry {
        final Key key;
        final AutoCloseable value;
        final Scope inner;
        int holders;

        Entry(Key key, AutoCloseable value, Scope inner) {
            this.key = key;
            this.value = value;
            this.inner = inner;
        }
    }

    /** The states one holder uses; closing it lets go of them all. */
    final class Scope implements AutoCloseable {

        /** @return the meters of the component with this id */
        io.gatehouse.api.Meters meters(String componentId) {
            return meters.apply(componentId);
        }
        private final Set<Entry> held = new LinkedHashSet<>();
        private boolean closed;

        /**
         * The state for this key, carried over or made now.
         *
         * @param owner  who it belongs to, stable across generations ({@code upstream users},
         *               {@code route users filters[0] filter.jwt})
         * @param name   which of the owner's states
         * @param config the owner's config; an unequal one is another state
         * @throws Exception what {@code create} threw (what it had taken is let go first)
         */
        <S extends AutoCloseable> S take(String owner, String name, Object config, Creator<S> create)
                throws Exception {
            Key key = new Key(owner, name, config);
            AutoCloseable found = hold(key, null);
            if (found == null) {
                Scope inner = new Scope();
                AutoCloseable made;
                try {
                    made = Objects.requireNonNull(create.create(inner), "state '" + name + "' of " + owner
                            + ": its create returned null");
                } catch (Exception | Error e) {
                    inner.close();
                    throw e;
                }
                found = hold(key, new Entry(key, made, inner));
                if (found != made) {
                    // another build made it meanwhile: keep the one already shared
                    closeEntry(new Entry(key, made, inner));
                }
            }
            @SuppressWarnings("unchecked")
            S state = (S) found;
            return state;
        }

        /** Holds the entry for {@code key}, storing {@code made} if there is none; null if none and none made. */
        private AutoCloseable hold(Key key, Entry made) {
            lock.lock();
            try {
                if (closed) {
                    throw new IllegalStateException("this generation is closed; it cannot take state any more");
                }
                Entry entry = entries.get(key);
                if (entry == null) {
                    if (made == null) {
                        return null;
                    }
                    entry = made;
                    entries.put(key, entry);
                }
                if (held.add(entry)) {
                    entry.holders++;
                }
                return entry.value;
            } finally {
                lock.unlock();
            }
        }

        /** Lets go of every state; those no other scope holds close, the newest first. Idempotent. */
        @Override
        public void close() {
            ArrayDeque<Entry> unused = new ArrayDeque<>(); // newest first; addFirst is O(1) here
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                for (Entry entry : held) {
                    if (--entry.holders == 0) {
                        entries.remove(entry.key, entry);
                        unused.addFirst(entry);
                    }
                }
                held.clear();
            } finally {
                lock.unlock();
            }
            unused.forEach(StateStore::closeEntry);
        }
    }

    private static void closeEntry(Entry entry) {
        try {
            entry.value.close();
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "closing state ''{0}'' of {1} failed: {2}", entry.key.name(), entry.key.owner(),
                    e.toString());
        }
        entry.inner.close();
    }
}
