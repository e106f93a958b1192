package io.gatehouse.plugins.discovery.dns;

import io.gatehouse.api.Endpoint;
import io.gatehouse.plugins.discovery.support.EndpointSource;
import io.gatehouse.plugins.discovery.support.WatchingDiscovery;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Looks the configured host name up every {@code refresh}; a failed lookup keeps the last endpoints and is
 * retried with backoff (at most {@code refresh} apart). The JVM's own DNS cache
 * ({@code networkaddress.cache.ttl}) still applies beneath.
 */
final class DnsDiscovery extends WatchingDiscovery {

    /** {@link InetAddress#getAllByName}, replaceable in tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String hostname) throws UnknownHostException;
    }

    private final DnsConfig config;
    private final Resolver resolver;

    DnsDiscovery(DnsConfig config, System.Logger logger, Resolver resolver) {
        super(DnsDiscoveryFactory.ID, config.hostname(), logger, min(Duration.ofSeconds(1), config.refresh()),
                config.refresh());
        this.config = config;
        this.resolver = resolver;
    }

    @Override
    protected EndpointSource source(String hostname) {
        return new EndpointSource() {
            private boolean resolved;

            @Override
            public void poll(Consumer<List<Endpoint>> publish) throws Exception {
                if (resolved) {
                    Thread.sleep(config.refresh());
                }
                resolved = false;   // a failed lookup is retried after the loop's backoff, not after refresh
                List<Endpoint> endpoints = lookup(hostname);
                resolved = true;
                publish.accept(endpoints);
            }
        };
    }

    List<Endpoint> lookup(String hostname) throws UnknownHostException, URISyntaxException {
        List<Endpoint> endpoints = new ArrayList<>();
        for (InetAddress address : resolver.resolve(hostname)) {
            URI url = new URI(config.scheme(), null, address.getHostAddress(), config.port(), null, null, null);
            endpoints.add(new Endpoint(url, config.weight(), Map.of("hostname", hostname)));
        }
        return endpoints;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
