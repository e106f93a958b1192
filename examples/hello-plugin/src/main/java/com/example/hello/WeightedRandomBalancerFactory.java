package com.example.hello;

import io.gatehouse.api.Doc;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.LoadBalancerFactory;
import io.gatehouse.api.PluginContext;
import org.pf4j.Extension;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code lb.weighted_random}: picks an endpoint at random, in proportion to its weight. Config on an upstream:
 * {@code balancer: {type: weighted_random}}, or {@code {type: weighted_random, seed: 42}} for a repeatable order.
 *
 * <p>The list {@code choose} gets holds only endpoints this request may go to (healthy, weight above 0, not tried
 * yet by its retries) and is never empty, so a balancer needs no checks of its own for those.
 */
@Extension
public final class WeightedRandomBalancerFactory implements LoadBalancerFactory<WeightedRandomBalancerFactory.Config> {

    /** @param seed a fixed seed, for tests and repeatable runs; default none (each request draws anew) */
    public record Config(@Doc("a fixed random seed, for repeatable choices; default none") Long seed) {
    }

    @Override
    public String id() {
        return "lb.weighted_random";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public LoadBalancer create(Config config, PluginContext context) {
        Random seeded = config.seed() == null ? null : new Random(config.seed());
        return (healthy, exchange) -> Optional.of(pick(healthy,
                seeded == null ? ThreadLocalRandom.current().nextDouble() : draw(seeded)));
    }

    @Override
    public boolean createIsSideEffectFree() {
        return true;
    }

    private static double draw(Random seeded) {
        synchronized (seeded) { // one Random shared by every request: a short lock, no I/O under it
            return seeded.nextDouble();
        }
    }

    /** @param at a number in [0, 1): where on the line of weights to pick */
    static Endpoint pick(List<Endpoint> endpoints, double at) {
        long total = 0;
        for (Endpoint endpoint : endpoints) {
            total += endpoint.weight();
        }
        double point = at * total;
        for (Endpoint endpoint : endpoints) {
            point -= endpoint.weight();
            if (point < 0) {
                return endpoint;
            }
        }
        return endpoints.getLast();
    }
}
