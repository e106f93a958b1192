package com.example.hello;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.testkit.TestConfig;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightedRandomBalancerFactoryTest {

    private static final Endpoint ONE = new Endpoint(URI.create("http://10.0.0.1:80"), 1, Map.of());
    private static final Endpoint THREE = new Endpoint(URI.create("http://10.0.0.3:80"), 3, Map.of());

    @Test
    void picksInProportionToWeight() {
        assertEquals(ONE, WeightedRandomBalancerFactory.pick(List.of(ONE, THREE), 0.0));
        assertEquals(ONE, WeightedRandomBalancerFactory.pick(List.of(ONE, THREE), 0.24));
        assertEquals(THREE, WeightedRandomBalancerFactory.pick(List.of(ONE, THREE), 0.25));
        assertEquals(THREE, WeightedRandomBalancerFactory.pick(List.of(ONE, THREE), 0.999));
    }

    @Test
    void aSeededBalancerSpreadsRequestsByWeight() throws Exception {
        WeightedRandomBalancerFactory factory = new WeightedRandomBalancerFactory();
        WeightedRandomBalancerFactory.Config config =
                TestConfig.bind(WeightedRandomBalancerFactory.Config.class, Map.of("seed", 42)).orThrow();
        Map<Endpoint, Integer> counts = new HashMap<>();
        try (LoadBalancer balancer = factory.create(config, TestPluginContext.of(factory.id(), config))) {
            for (int i = 0; i < 4000; i++) {
                counts.merge(balancer.choose(List.of(ONE, THREE), TestExchange.get("/")).orElseThrow(), 1,
                        Integer::sum);
            }
        }
        double share = counts.get(THREE) / 4000.0;
        assertTrue(share > 0.70 && share < 0.80, "weight 3 of 4 gets about 75%: " + counts);
    }
}
