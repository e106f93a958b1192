package io.gatehouse.core.builtin;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.LoadBalancerFactory;
import io.gatehouse.api.PluginContext;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code lb.round_robin}: each endpoint of weight > 0 in turn. Lock-free; a change of the endpoint list between
 * two calls only shifts the rotation.
 */
public final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Optional<Endpoint> choose(List<Endpoint> healthy, Exchange exchange) {
        int size = healthy.size();
        int start = Math.floorMod(next.getAndIncrement(), size);
        for (int i = 0; i < size; i++) {
            Endpoint candidate = healthy.get((start + i) % size);
            if (candidate.weight() > 0) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The round robin balancer takes no options. */
    public record Config() {
    }

    /** Creates {@link RoundRobinBalancer}s. */
    public static final class Factory implements LoadBalancerFactory<Config> {
        @Override
        public String id() {
            return "lb.round_robin";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public LoadBalancer create(Config config, PluginContext context) {
            return new RoundRobinBalancer();
        }
    }
}
