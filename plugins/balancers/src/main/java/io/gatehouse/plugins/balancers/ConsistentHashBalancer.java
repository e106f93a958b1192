package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sends every request with the same key to the same endpoint while the endpoint list stays the same, on a
 * {@link HashRing} built once per endpoint list.
 */
final class ConsistentHashBalancer implements LoadBalancer {

    private final Function<Exchange, String> key;
    private final PerListCache<HashRing> rings;

    ConsistentHashBalancer(ConsistentHashConfig config) {
        this.key = HashKey.of(config);
        int virtualNodes = config.virtualNodes();
        this.rings = new PerListCache<>(endpoints -> HashRing.of(endpoints, virtualNodes));
    }

    @Override
    public Optional<Endpoint> choose(List<Endpoint> healthy, Exchange exchange) {
        return rings.get(healthy).locate(Hash64.of(key.apply(exchange)));
    }
}
