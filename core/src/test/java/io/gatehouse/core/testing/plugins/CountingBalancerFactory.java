package io.gatehouse.core.testing.plugins;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.LoadBalancerFactory;
import io.gatehouse.api.PluginContext;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code lb.counting}: always the first endpoint, with a count of requests in flight (chosen and not yet
 * {@code completed}) as least-requests keeps one. Every completion is logged under {@link #LOGGER}, so a test in
 * another class loader can see whether and how each request was completed and what is still in flight.
 */
public final class CountingBalancerFactory implements LoadBalancerFactory<CountingBalancerFactory.Config> {

    public static final String LOGGER = "gatehouse.test.counting";

    /** No options. */
    public record Config() {
    }

    @Override
    public String id() {
        return "lb.counting";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public LoadBalancer create(Config config, PluginContext context) {
        return new Counting();
    }

    private static final class Counting implements LoadBalancer {
        private static final System.Logger LOG = System.getLogger(LOGGER);
        private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

        @Override
        public Optional<Endpoint> choose(List<Endpoint> healthy, Exchange exchange) {
            if (healthy.isEmpty()) {
                return Optional.empty();
            }
            Endpoint endpoint = healthy.getFirst();
            inFlight.computeIfAbsent(endpoint.id(), id -> new AtomicInteger()).incrementAndGet();
            return Optional.of(endpoint);
        }

        @Override
        public void completed(Endpoint endpoint, long durationNanos, boolean failed) {
            int left = inFlight.computeIfAbsent(endpoint.id(), id -> new AtomicInteger()).decrementAndGet();
            LOG.log(System.Logger.Level.INFO, "completed failed=" + failed + " in_flight=" + left);
        }
    }
}
