package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each endpoint of weight &gt; 0 in turn, whatever its weight. One atomic counter; a change of the list between
 * two calls only shifts the rotation.
 */
final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicLong next = new AtomicLong();

    @Override
    public Optional<Endpoint> choose(List<Endpoint> healthy, Exchange exchange) {
        int size = healthy.size();
        if (size == 0) {
            return Optional.empty();
        }
        int start = (int) Math.floorMod(next.getAndIncrement(), (long) size);
        for (int i = 0; i < size; i++) {
            Endpoint candidate = healthy.get((start + i) % size);
            if (candidate.weight() > 0) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
