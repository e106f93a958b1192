package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;

import java.util.List;
import java.util.function.Function;

/**
 * What a balancer derives from an endpoint list (a schedule, a hash ring, resolved per-endpoint state), kept for
 * the last list seen and rebuilt when another one arrives. Lock-free: one volatile reference to an immutable
 * (list, value) pair. The common case, the core passing the same immutable list object again, costs one identity
 * check; an equal list in a new object reuses the value; two threads that race on a new list may both build it,
 * and the last write wins, which is harmless since builds of equal lists are equal.
 *
 * <p>The list passed in must not be mutated afterwards (the core passes immutable snapshots); a copy is what the
 * value is built from, so a later mutation can make the cache stale but never makes it fail.
 *
 * @param <T> what is derived
 */
final class PerListCache<T> {

    private record Entry<T>(List<Endpoint> given, int size, List<Endpoint> snapshot, T value) {
    }

    private final Function<List<Endpoint>, T> build;
    private volatile Entry<T> current;

    /** @param build derives the value from an immutable copy of a list; called again for every new list */
    PerListCache(Function<List<Endpoint>, T> build) {
        this.build = build;
    }

    /** @return the value for the list seen last, or null before the first */
    T last() {
        Entry<T> entry = current;
        return entry == null ? null : entry.value;
    }

    /**
     * @param endpoints the list given to the balancer
     * @return the value derived from it
     */
    T get(List<Endpoint> endpoints) {
        Entry<T> entry = current;
        if (entry != null && entry.given == endpoints && entry.size == endpoints.size()) {
            return entry.value;
        }
        List<Endpoint> snapshot = List.copyOf(endpoints);
        if (entry != null && entry.snapshot.equals(snapshot)) {
            current = new Entry<>(endpoints, snapshot.size(), entry.snapshot, entry.value);
            return entry.value;
        }
        T value = build.apply(snapshot);
        current = new Entry<>(endpoints, snapshot.size(), snapshot, value);
        return value;
    }
}
