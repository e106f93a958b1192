package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.LoadBalancer;
import org.junit.jupiter.api.Test;

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

class LeastRequestsBalancerTest {

    private final AtomicLong clock = new AtomicLong();
    private final LeastRequestsBalancer balancer = new LeastRequestsBalancer(clock::get);

    @Test
    void idleEndpointsShareByWeightThroughRandomTieBreaks() {
        List<Endpoint> equal = endpoints(1, 1, 1);
        Picks.assertShares(Picks.count(balancer, equal, 10_000), equal, 10_000, 0.03);
        List<Endpoint> weighted = endpoints(1, 3, 0);
        Picks.assertShares(Picks.count(balancer, weighted, 10_000), weighted, 10_000, 0.03);
    }

    @Test
    void requestsHeldOpenOnOneEndpointSendTheOthersTheTraffic() {
        List<Endpoint> endpoints = endpoints(1, 1, 1);
        Endpoint busy = endpoints.get(0);
        // Five requests held open on one endpoint (chosen while it was the only healthy one, never completed).
        for (int i = 0; i < 5; i++) {
            assertEquals(busy, balancer.choose(List.of(busy), ANY).orElseThrow());
        }
        assertEquals(5, balancer.inFlight(busy));
        Map<Endpoint, Integer> counts = Picks.count(balancer, endpoints, 10_000);
        assertFalse(counts.containsKey(busy), "the busy endpoint was chosen: " + counts);
        Picks.assertShares(counts, endpoints.subList(1, 3), 10_000, 0.03);

        for (int i = 0; i < 5; i++) {
            balancer.completed(busy, 1, false);
        }
        assertEquals(0, balancer.inFlight(busy));
        assertTrue(Picks.count(balancer, endpoints, 3_000).getOrDefault(busy, 0) > 500);
    }

    @Test
    void inFlightCountsFollowTheLoad() {
        List<Endpoint> endpoints = endpoints(1, 1, 1, 1);
        Map<Endpoint, Integer> open = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            open.merge(balancer.choose(endpoints, ANY).orElseThrow(), 1, Integer::sum);
        }
        // Never completed: every pick goes to a least loaded endpoint, so they stay level.
        endpoints.forEach(endpoint -> assertEquals(100, open.get(endpoint)));
        endpoints.forEach(endpoint -> assertEquals(100, balancer.inFlight(endpoint)));
    }

    @Test
    void aCompletionNeverTakesACountBelowZero() {
        Endpoint endpoint = endpoints(1).get(0);
        balancer.choose(List.of(endpoint), ANY);
        balancer.completed(endpoint, 1, true);
        balancer.completed(endpoint, 1, true);
        assertEquals(0, balancer.inFlight(endpoint));
        balancer.completed(Picks.endpoint(99, 1), 1, false); // never chosen: ignored
    }

    @Test
    void stateOfEndpointsThatLeftIsPrunedAfterAMinute() {
        int[] weights = new int[200];
        java.util.Arrays.fill(weights, 1);
        List<Endpoint> many = endpoints(weights);
        Picks.count(balancer, many, 1_000);
        assertEquals(200, balancer.trackedEndpoints());

        List<Endpoint> few = many.subList(0, 3);
        balancer.choose(few, ANY);
        assertEquals(200, balancer.trackedEndpoints(), "pruned at once, though a flapping endpoint may come back");
        clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
        balancer.choose(List.copyOf(many.subList(0, 4)), ANY);
        assertEquals(4, balancer.trackedEndpoints());
    }

    @Test
    void weightZeroIsNeverChosenAndNoEndpointMeansEmpty() {
        LoadBalancer fromFactory = new LeastRequestsFactory().create(new NoOptions(), null);
        List<Endpoint> endpoints = endpoints(0, 2, 0);
        assertEquals(Map.of(endpoints.get(1), 1000), Picks.count(fromFactory, endpoints, 1000));
        assertFalse(fromFactory.choose(endpoints(0, 0), ANY).isPresent());
        assertFalse(fromFactory.choose(List.of(), ANY).isPresent());
    }
}
