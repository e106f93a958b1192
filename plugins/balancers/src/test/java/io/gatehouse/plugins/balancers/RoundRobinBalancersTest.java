package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.LoadBalancer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.gatehouse.plugins.balancers.Picks.ANY;
import static io.gatehouse.plugins.balancers.Picks.endpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundRobinBalancersTest {

    private final LoadBalancer roundRobin = new RoundRobinFactory().create(new NoOptions(), null);
    private final LoadBalancer weighted = new WeightedRoundRobinFactory().create(new NoOptions(), null);

    @Test
    void roundRobinGivesEveryEndpointAnEqualTurnWhateverItsWeight() {
        List<Endpoint> endpoints = endpoints(1, 5, 1);
        Map<Endpoint, Integer> counts = Picks.count(roundRobin, endpoints, 10_000);
        counts.values().forEach(count -> assertTrue(count == 3333 || count == 3334, counts::toString));
        assertEquals(10_000, counts.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void smoothWeightedRoundRobinInterleavesExactlyAsNginxDoesInEveryCycle() {
        List<Endpoint> endpoints = endpoints(5, 1, 1);
        Endpoint a = endpoints.get(0);
        Endpoint b = endpoints.get(1);
        Endpoint c = endpoints.get(2);
        List<Endpoint> oneCycle = List.of(a, a, b, a, c, a, a);
        for (int cycle = 0; cycle < 1000; cycle++) {
            List<Endpoint> picked = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                picked.add(weighted.choose(endpoints, ANY).orElseThrow());
            }
            assertEquals(oneCycle, picked, "cycle " + cycle);
        }
    }

    @Test
    void weightedRoundRobinGivesSharesInProportionToWeight() {
        List<Endpoint> endpoints = endpoints(3, 2, 5, 0);
        Map<Endpoint, Integer> counts = Picks.count(weighted, endpoints, 10_000);
        assertEquals(Map.of(endpoints.get(0), 3000, endpoints.get(1), 2000, endpoints.get(2), 5000), counts);
    }

    @Test
    void weightsWithACommonDivisorGiveTheSameSequenceAsTheirReducedForm() {
        assertEquals(hosts(WeightedRoundRobinBalancer.cycle(endpoints(5, 1, 1))),
                hosts(WeightedRoundRobinBalancer.cycle(endpoints(50, 10, 10))));
    }

    @Test
    void hugeWeightsAreScaledToABoundedCycleKeepingTheShares() {
        Endpoint[] cycle = WeightedRoundRobinBalancer.cycle(endpoints(1_000_000_007, 1_000_000_009, 3));
        assertTrue(cycle.length <= WeightedRoundRobinBalancer.MAX_CYCLE + 3, "cycle of " + cycle.length);
        long first = java.util.Arrays.stream(cycle).filter(e -> e.weight() == 1_000_000_007).count();
        assertEquals(0.5, (double) first / cycle.length, 0.001);
    }

    @Test
    void weightZeroIsNeverChosenAndNoEndpointMeansEmpty() {
        for (LoadBalancer balancer : List.of(roundRobin, weighted)) {
            List<Endpoint> endpoints = endpoints(0, 1, 0);
            for (int i = 0; i < 100; i++) {
                assertEquals(endpoints.get(1), balancer.choose(endpoints, ANY).orElseThrow());
            }
            assertFalse(balancer.choose(endpoints(0, 0), ANY).isPresent());
            assertFalse(balancer.choose(List.of(), ANY).isPresent());
        }
    }

    private static List<String> hosts(Endpoint[] cycle) {
        return java.util.Arrays.stream(cycle).map(Endpoint::host).toList();
    }
}
