package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Chooses the endpoint with the fewest requests in flight (chosen here and not yet {@link #completed}), scanning
 * every endpoint of weight &gt; 0. Ties are broken at random in proportion to weight, so an idle upstream gets the
 * configured shares and a loaded one follows the load. Counters are atomics; two threads choosing at once may both
 * take the same least-loaded endpoint, which the next picks even out.
 */
final class LeastRequestsBalancer implements LoadBalancer {

    private final EndpointStates<EndpointStates.State> states;

    LeastRequestsBalancer(LongSupplier nanoTime) {
        this.states = new EndpointStates<>(EndpointStates.State::new, EndpointStates.State[]::new, nanoTime);
    }

    @Override
    public Optional<Endpoint> choose(List<Endpoint> healthy, Exchange exchange) {
        EndpointStates.Resolved<EndpointStates.State> resolved = states.of(healthy);
        Endpoint[] endpoints = resolved.endpoints();
        EndpointStates.State[] counts = resolved.states();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int chosen = -1;
        int least = Integer.MAX_VALUE;
        long tiedWeight = 0;
        for (int i = 0; i < endpoints.length; i++) {
            int inFlight = counts[i].inFlight.get();
            int weight = endpoints[i].weight();
            if (inFlight < least) {
                least = inFlight;
                chosen = i;
                tiedWeight = weight;
            } else if (inFlight == least) {
                tiedWeight += weight; // weighted reservoir sampling over the tied endpoints
                if (random.nextLong(tiedWeight) < weight) {
                    chosen = i;
                }
            }
        }
        if (chosen < 0) {
            return Optional.empty();
        }
        counts[chosen].inFlight.incrementAndGet();
        return Optional.of(endpoints[chosen]);
    }

    @Override
    public void completed(Endpoint endpoint, long durationNanos, boolean failed) {
        EndpointStates.State state = states.find(endpoint);
        if (state != null) {
            state.release();
        }
    }

    /** @return the in-flight count of an endpoint (tests) */
    int inFlight(Endpoint endpoint) {
        EndpointStates.State state = states.find(endpoint);
        return state == null ? 0 : state.inFlight.get();
    }

    /** @return how many endpoints have state (tests) */
    int trackedEndpoints() {
        return states.size();
    }
}
