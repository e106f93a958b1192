package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Per-endpoint state of a balancer (in-flight requests, latency), keyed by {@link Endpoint#id()} so that it
 * survives a re-weighting or a metadata change, and resolved once per endpoint list into arrays the request path
 * reads without hashing.
 *
 * <p>State of endpoints that have left the list is pruned when a new list arrives, once it has not been part of a
 * resolved list for {@link #PRUNE_AFTER_NANOS} (so a state a racing thread just resolved is never dropped under it,
 * and an endpoint that flaps out of the healthy list and back keeps its counts).
 *
 * @param <S> the state type
 */
final class EndpointStates<S extends EndpointStates.State> {

    static final long PRUNE_AFTER_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** The state every balancer here keeps: requests chosen and not yet completed. */
    static class State {
        final AtomicInteger inFlight = new AtomicInteger();
        volatile long resolvedAt;

        /** One request completed; never goes below 0 (a completion for a request chosen before a prune). */
        void release() {
            inFlight.updateAndGet(count -> count > 0 ? count - 1 : 0);
        }
    }

    /**
     * The endpoints of weight &gt; 0 of one list, with their states at the same index.
     *
     * @param endpoints  the endpoints
     * @param states     their states
     * @param byInstance the states by endpoint object: the core completes a request with the very object that was
     *                   chosen, and this finds its state without building {@link Endpoint#id()}. Never modified
     * @param <S>        the state type
     */
    record Resolved<S>(Endpoint[] endpoints, S[] states, Map<Endpoint, S> byInstance) {
    }

    private final ConcurrentHashMap<String, S> states = new ConcurrentHashMap<>();
    private final Supplier<S> initial;
    private final IntFunction<S[]> newArray;
    private final LongSupplier nanoTime;
    private final PerListCache<Resolved<S>> resolved = new PerListCache<>(this::resolve);

    /**
     * @param initial  creates the state of an endpoint seen for the first time
     * @param newArray creates an array of states
     * @param nanoTime the clock, {@link System#nanoTime()} outside tests
     */
    EndpointStates(Supplier<S> initial, IntFunction<S[]> newArray, LongSupplier nanoTime) {
        this.initial = initial;
        this.newArray = newArray;
        this.nanoTime = nanoTime;
    }

    /**
     * @param endpoints the list given to the balancer
     * @return its endpoints of weight &gt; 0 with their states
     */
    Resolved<S> of(List<Endpoint> endpoints) {
        return resolved.get(endpoints);
    }

    /**
     * @param endpoint an endpoint
     * @return its state, or null when it has none (never chosen, or pruned)
     */
    S find(Endpoint endpoint) {
        Resolved<S> last = resolved.last();
        S state = last == null ? null : last.byInstance().get(endpoint);
        return state != null ? state : states.get(endpoint.id());
    }

    /** @return how many endpoints have state */
    int size() {
        return states.size();
    }

    private Resolved<S> resolve(List<Endpoint> endpoints) {
        long now = nanoTime.getAsLong();
        List<Endpoint> eligible = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Endpoint endpoint : endpoints) {
            ids.add(endpoint.id());
            if (endpoint.weight() > 0) {
                eligible.add(endpoint);
            }
        }
        S[] resolvedStates = newArray.apply(eligible.size());
        Map<Endpoint, S> byInstance = new IdentityHashMap<>();
        for (int i = 0; i < resolvedStates.length; i++) {
            S state = states.computeIfAbsent(eligible.get(i).id(), id -> initial.get());
            state.resolvedAt = now;
            resolvedStates[i] = state;
            byInstance.put(eligible.get(i), state);
        }
        states.entrySet().removeIf(entry -> !ids.contains(entry.getKey())
                && now - entry.getValue().resolvedAt > PRUNE_AFTER_NANOS);
        return new Resolved<>(eligible.toArray(Endpoint[]::new), resolvedStates, byInstance);
    }
}
