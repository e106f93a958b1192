package io.gatehouse.plugins.discovery.etcd;

import io.gatehouse.api.DiscoveryFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.plugins.discovery.support.HttpDiscovery;
import io.gatehouse.plugins.discovery.support.WatchingDiscovery;
import org.pf4j.Extension;

import java.net.URI;

/**
 * {@code discovery.etcd}: endpoints stored as JSON values under an etcd key prefix, read once and then followed
 * with an etcd v3 watch. See {@link EtcdConfig}.
 */
@Extension
public final class EtcdDiscoveryFactory implements DiscoveryFactory<EtcdConfig> {

    static final String ID = "discovery.etcd";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<EtcdConfig> configType() {
        return EtcdConfig.class;
    }

    @Override
    public void validate(EtcdConfig config, Problems problems) {
        if (config.endpoints().isEmpty()) {
            problems.add("endpoints", "give at least one etcd client URL, e.g. http://127.0.0.1:2379");
        }
        for (int i = 0; i < config.endpoints().size(); i++) {
            String endpoint = config.endpoints().get(i);
            URI uri = endpoint == null ? null : parse(endpoint);
            if (uri == null || !"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
                    || uri.getHost() == null) {
                problems.add("endpoints[" + i + "]", "must be an http(s) URL with a host, e.g. "
                        + "http://127.0.0.1:2379, got '" + endpoint + "'");
            }
        }
        if (config.service() != null && config.service().isBlank()) {
            problems.add("service", "must not be empty (leave it out for the upstream's name)");
        }
        if (config.prefix() != null && config.prefix().isEmpty()) {
            problems.add("prefix", "must not be empty: it would watch the whole key space");
        }
        if (!config.apiPrefix().startsWith("/")) {
            problems.add("api_prefix", "must start with '/', e.g. /v3, got '" + config.apiPrefix() + "'");
        }
        HttpDiscovery.validateTimings(config.connectTimeout(), config.backoffInitial(), config.backoffMax(), problems);
    }

    @Override
    public ServiceDiscovery create(EtcdConfig config, PluginContext context) {
        System.Logger logger = WatchingDiscovery.logger(context, ID);
        return new HttpDiscovery(ID, config.service(), logger, config.connectTimeout(), config.backoffInitial(),
                config.backoffMax(),
                (client, service) -> new EtcdPrefixWatch(client, config, config.prefixFor(service), logger));
    }

    private static URI parse(String endpoint) {
        try {
            return URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
