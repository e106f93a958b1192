package io.gatehouse.plugins.discovery.consul;

import io.gatehouse.api.DiscoveryFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.plugins.discovery.support.HttpDiscovery;
import io.gatehouse.plugins.discovery.support.WatchingDiscovery;
import org.pf4j.Extension;

import java.net.URI;
import java.time.Duration;

/**
 * {@code discovery.consul}: the passing instances of a Consul service, followed with blocking queries on the
 * health API. See {@link ConsulConfig}.
 */
@Extension
public final class ConsulDiscoveryFactory implements DiscoveryFactory<ConsulConfig> {

    static final String ID = "discovery.consul";
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<ConsulConfig> configType() {
        return ConsulConfig.class;
    }

    @Override
    public void validate(ConsulConfig config, Problems problems) {
        try {
            URI address = URI.create(config.address());
            if (!"http".equals(address.getScheme()) && !"https".equals(address.getScheme())
                    || address.getHost() == null) {
                problems.add("address", "must be an http(s) URL with a host, e.g. http://127.0.0.1:8500, got '"
                        + config.address() + "'");
            }
        } catch (IllegalArgumentException e) {
            problems.add("address", "not a URL: " + e.getMessage());
        }
        notBlank("service", config.service(), problems);
        notBlank("datacenter", config.datacenter(), problems);
        notBlank("tag", config.tag(), problems);
        if (!"http".equals(config.scheme()) && !"https".equals(config.scheme())) {
            problems.add("scheme", "must be http or https, got '" + config.scheme() + "'");
        }
        if (config.waitTime().compareTo(Duration.ofSeconds(1)) < 0 || config.waitTime().compareTo(MAX_WAIT) > 0) {
            problems.add("wait_time", "must be 1s to 10m (Consul's limit), got " + config.waitTime());
        }
        HttpDiscovery.validateTimings(config.connectTimeout(), config.backoffInitial(), config.backoffMax(), problems);
    }

    @Override
    public ServiceDiscovery create(ConsulConfig config, PluginContext context) {
        System.Logger logger = WatchingDiscovery.logger(context, ID);
        return new HttpDiscovery(ID, config.service(), logger, config.connectTimeout(), config.backoffInitial(),
                config.backoffMax(), (client, service) -> new ConsulHealthQuery(client, config, service, logger));
    }

    private static void notBlank(String key, String value, Problems problems) {
        if (value != null && value.isBlank()) {
            problems.add(key, "must not be empty (leave it out for the default)");
        }
    }
}
