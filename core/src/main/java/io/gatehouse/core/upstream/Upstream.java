package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.ServiceDiscovery;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;

/**
 * One upstream of one config generation: its current endpoints (fed by discovery), its balancer and its HTTP
 * connection pool. Reads on the request path are a volatile read; discovery swaps whole lists.
 */
public final class Upstream implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Upstream.class.getName());

    private final String name;
    private final LoadBalancer balancer;
    private final ServiceDiscovery discovery;
    private final UpstreamClient client;
    private volatile List<Endpoint> endpoints = List.of();
    private volatile ServiceDiscovery.Subscription subscription;

    public Upstream(String name, LoadBalancer balancer, ServiceDiscovery discovery, UpstreamClient client) {
        this.name = name;
        this.balancer = balancer;
        this.discovery = discovery;
        this.client = client;
    }

    /** Starts discovery; endpoints arrive through the watch callback. */
    public void start() {
        subscription = discovery.watch(name, this::update);
    }

    private void update(List<Endpoint> next) {
        List<Endpoint> copy = List.copyOf(next);
        if (!copy.equals(endpoints)) {
            LOG.log(Level.INFO, "upstream {0}: {1} endpoint(s) {2}", name, copy.size(),
                    copy.stream().map(Endpoint::id).toList());
        }
        endpoints = copy;
    }

    /**
     * Chooses the endpoint for a request.
     *
     * @throws GatewayException 503 with {@code Retry-After} when there is none
     */
    public Endpoint choose(Exchange exchange) {
        List<Endpoint> current = endpoints;
        Optional<Endpoint> chosen = current.isEmpty() ? Optional.empty() : balancer.choose(current, exchange);
        return chosen.orElseThrow(() -> new GatewayException(503, "no_healthy_upstream",
                "upstream '" + name + "' has no available endpoint").header("Retry-After", "1"));
    }

    public String name() {
        return name;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public LoadBalancer balancer() {
        return balancer;
    }

    public UpstreamClient client() {
        return client;
    }

    @Override
    public void close() {
        ServiceDiscovery.Subscription s = subscription;
        if (s != null) {
            closeQuietly(s);
        }
        closeQuietly(discovery);
        closeQuietly(balancer);
        closeQuietly(client);
    }

    private void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "upstream " + name + ": closing " + closeable + " failed", e);
        }
    }
}
