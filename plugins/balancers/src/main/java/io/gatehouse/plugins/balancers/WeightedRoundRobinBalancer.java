package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * nginx's smooth weighted round robin: over one cycle of (sum of weights) picks each endpoint is chosen as often as
 * its weight, spread out rather than in bursts (weights 5, 1, 1 give a, a, b, a, c, a, a).
 *
 * <p>nginx steps per-endpoint "current weights" under a lock. Here the cycle is computed once per endpoint list
 * with that same algorithm and a pick is one atomic increment indexing into it, so the request path takes no lock
 * and the sequence is exactly nginx's. Weights are divided by their greatest common divisor first (which leaves
 * the sequence unchanged); should the cycle still be longer than {@value #MAX_CYCLE} picks, weights are scaled
 * down to fit, keeping every positive weight at least 1 and the shares within about 1/{@value #MAX_CYCLE}.
 */
final class WeightedRoundRobinBalancer implements LoadBalancer {

    static final int MAX_CYCLE = 1 << 16;

    private final AtomicLong next = new AtomicLong();
    private final PerListCache<Endpoint[]> cycles = new PerListCache<>(WeightedRoundRobinBalancer::cycle);

    @Override
    public Optional<Endpoint> choose(List<Endpoint> healthy, Exchange exchange) {
        Endpoint[] cycle = cycles.get(healthy);
        if (cycle.length == 0) {
            return Optional.empty();
        }
        return Optional.of(cycle[(int) Math.floorMod(next.getAndIncrement(), (long) cycle.length)]);
    }

    /** One cycle of nginx's smooth weighted round robin over the endpoints of weight &gt; 0. */
    static Endpoint[] cycle(List<Endpoint> endpoints) {
        List<Endpoint> eligible = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            if (endpoint.weight() > 0) {
                eligible.add(endpoint);
            }
        }
        int[] weights = reducedWeights(eligible);
        int total = 0;
        for (int weight : weights) {
            total += weight;
        }
        Endpoint[] cycle = new Endpoint[total];
        long[] current = new long[weights.length];
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle[step] = eligible.get(best);
        }
        return cycle;
    }

    private static int[] reducedWeights(List<Endpoint> eligible) {
        long gcd = 0;
        long total = 0;
        for (Endpoint endpoint : eligible) {
            gcd = gcd(gcd, endpoint.weight());
            total += endpoint.weight();
        }
        total = gcd == 0 ? 0 : total / gcd;
        int[] weights = new int[eligible.size()];
        for (int i = 0; i < weights.length; i++) {
            long weight = eligible.get(i).weight() / gcd;
            weights[i] = total <= MAX_CYCLE ? (int) weight : (int) Math.max(1, weight * MAX_CYCLE / total);
        }
        return weights;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
