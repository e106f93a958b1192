package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.LoadBalancer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatehouse.plugins.balancers.Picks.ANY;
import static io.gatehouse.plugins.balancers.Picks.endpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class P2cEwmaBalancerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    private final P2cEwmaBalancer balancer = new P2cEwmaBalancer(new P2cEwmaConfig(null, null), clock::get);

    /** Picks {@code count} times; each request takes its endpoint's latency and the clock moves 1 ms per pick. */
    private Map<Endpoint, Integer> run(List<Endpoint> endpoints, Map<Endpoint, Long> latency, int count) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Endpoint chosen = balancer.choose(endpoints, ANY).orElseThrow();
            clock.addAndGet(MS);
            balancer.completed(chosen, latency.get(chosen), false);
            counts.merge(chosen, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void theFasterEndpointGetsTheRequestWheneverItIsOneOfTheTwoDrawn() {
        List<Endpoint> endpoints = endpoints(1, 1, 1);
        Endpoint fast = endpoints.get(0);
        Map<Endpoint, Long> latency = Map.of(fast, 2 * MS, endpoints.get(1), 50 * MS, endpoints.get(2), 50 * MS);
        run(endpoints, latency, 300); // every endpoint has samples now
        Map<Endpoint, Integer> counts = run(endpoints, latency, 10_000);
        // Drawn in 2 of 3 pairs, and it wins each of them: about 2/3 of the picks; the slow ones ~1/6 each.
        double share = counts.get(fast) / 10_000.0;
        assertTrue(share > 0.6 && share < 0.73, "fast endpoint got " + share);
        assertTrue(balancer.latencyNanos(fast) < 3 * MS, "fast average " + balancer.latencyNanos(fast));
    }

    @Test
    void equalLatenciesShareEvenly() {
        List<Endpoint> endpoints = endpoints(1, 1, 1, 1);
        Map<Endpoint, Long> latency = new HashMap<>();
        endpoints.forEach(endpoint -> latency.put(endpoint, 10 * MS));
        Picks.assertShares(run(endpoints, latency, 10_000), endpoints, 10_000, 0.04);
    }

    @Test
    void requestsInFlightAddToTheCost() {
        List<Endpoint> endpoints = endpoints(1, 1);
        Endpoint a = endpoints.get(0);
        Endpoint b = endpoints.get(1);
        run(endpoints, Map.of(a, 10 * MS, b, 35 * MS), 100);
        // a (10 ms) wins until it holds 3 requests: 10 ms × 4 > 35 ms (a little less after b idled 100 ms).
        List<Endpoint> open = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            open.add(balancer.choose(endpoints, ANY).orElseThrow());
        }
        assertEquals(List.of(a, a, a, b), open);
    }

    @Test
    void aSlowSpikeIsTakenAtOnceAndForgottenWithTheDecayTime() {
        Endpoint endpoint = endpoints(1).get(0);
        balancer.choose(List.of(endpoint), ANY);
        balancer.completed(endpoint, 10 * MS, false);
        balancer.choose(List.of(endpoint), ANY);
        balancer.completed(endpoint, 500 * MS, false);
        assertEquals(500 * MS, balancer.latencyNanos(endpoint), MS, "the peak is taken at once");
        clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertEquals(500 * MS / Math.E, balancer.latencyNanos(endpoint), MS, "1/e after the decay time");
        clock.addAndGet(TimeUnit.SECONDS.toNanos(60));
        balancer.choose(List.of(endpoint), ANY);
        balancer.completed(endpoint, 10 * MS, false);
        assertEquals(10 * MS, balancer.latencyNanos(endpoint), MS);
    }

    @Test
    void aFastFailureCountsAsTheFailurePenalty() {
        Endpoint endpoint = endpoints(1).get(0);
        balancer.choose(List.of(endpoint), ANY);
        balancer.completed(endpoint, MS, true);
        assertEquals(1000 * MS, balancer.latencyNanos(endpoint), MS);
    }

    @Test
    void anUnmeasuredEndpointGetsOneProbeAtATime() {
        List<Endpoint> endpoints = endpoints(1, 1);
        Endpoint known = endpoints.get(0);
        Endpoint fresh = endpoints.get(1);
        run(List.of(known), Map.of(known, 20 * MS), 10);
        List<Endpoint> open = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            open.add(balancer.choose(endpoints, ANY).orElseThrow());
        }
        assertEquals(1, open.stream().filter(fresh::equals).count(), open.toString());
    }

    @Test
    void weightZeroIsNeverChosenAndNoEndpointMeansEmpty() {
        LoadBalancer fromFactory = new P2cEwmaFactory().create(new P2cEwmaConfig(null, null), null);
        List<Endpoint> endpoints = endpoints(0, 1, 0, 1);
        Map<Endpoint, Integer> counts = Picks.count(fromFactory, endpoints, 1000);
        assertEquals(java.util.Set.of(endpoints.get(1), endpoints.get(3)), counts.keySet());
        assertFalse(fromFactory.choose(endpoints(0, 0), ANY).isPresent());
        assertFalse(fromFactory.choose(List.of(), ANY).isPresent());
    }

    @Test
    void validatesDecayAndPenalty() {
        List<String> problems = new ArrayList<>();
        new P2cEwmaFactory().validate(new P2cEwmaConfig(Duration.ZERO, Duration.ofMillis(-1)),
                (path, message) -> problems.add(path + ": " + message));
        assertEquals(List.of("decay: must be at least 1ms, got 0ms", "failure_penalty: must not be negative"),
                problems);
        problems.clear();
        new P2cEwmaFactory().validate(new P2cEwmaConfig(null, null), (path, message) -> problems.add(path));
        assertEquals(List.of(), problems);
        assertEquals(Duration.ofSeconds(10), new P2cEwmaConfig(null, null).decay());
    }
}
