package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.testkit.TestExchange;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Endpoints and pick counting for the balancer tests. */
final class Picks {

    static final Exchange ANY = TestExchange.get("/");

    private Picks() {
    }

    /** {@code http://10.0.0.<n>:8080} with that weight. */
    static Endpoint endpoint(int n, int weight) {
        return new Endpoint(URI.create("http://10.0.0." + n + ":8080"), weight, Map.of());
    }

    /** Endpoints 1..weights.length with those weights. */
    static List<Endpoint> endpoints(int... weights) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            endpoints.add(endpoint(i + 1, weights[i]));
        }
        return List.copyOf(endpoints);
    }

    /** Picks {@code count} times, completing each request at once, and counts the picks per endpoint. */
    static Map<Endpoint, Integer> count(LoadBalancer balancer, List<Endpoint> endpoints, int count) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Endpoint chosen = balancer.choose(endpoints, ANY).orElseThrow();
            balancer.completed(chosen, 1_000_000, false);
            counts.merge(chosen, 1, Integer::sum);
        }
        return counts;
    }

    /** Asserts that each endpoint got its share of {@code total} picks within {@code tolerance} (absolute). */
    static void assertShares(Map<Endpoint, Integer> counts, List<Endpoint> endpoints, int total, double tolerance) {
        long weightSum = endpoints.stream().mapToLong(Endpoint::weight).sum();
        for (Endpoint endpoint : endpoints) {
            double expected = (double) endpoint.weight() / weightSum;
            double actual = counts.getOrDefault(endpoint, 0) / (double) total;
            assertTrue(Math.abs(actual - expected) <= tolerance,
                    endpoint.id() + " got " + actual + " of the picks, expected " + expected + " ± " + tolerance);
        }
    }
}
