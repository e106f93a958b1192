package io.gatehouse.plugins.discovery.dns;

import io.gatehouse.api.DiscoveryFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.plugins.discovery.support.WatchingDiscovery;
import org.pf4j.Extension;

import java.net.InetAddress;

/**
 * {@code discovery.dns}: the addresses a host name resolves to (A and AAAA records), each one endpoint on the
 * configured port, looked up again every {@code refresh}. See {@link DnsConfig}.
 */
@Extension
public final class DnsDiscoveryFactory implements DiscoveryFactory<DnsConfig> {

    static final String ID = "discovery.dns";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<DnsConfig> configType() {
        return DnsConfig.class;
    }

    @Override
    public void validate(DnsConfig config, Problems problems) {
        if (config.hostname() != null && config.hostname().isBlank()) {
            problems.add("hostname", "must not be empty");
        }
        if (config.port() != null && (config.port() < 1 || config.port() > 65535)) {
            problems.add("port", "must be 1 to 65535, got " + config.port());
        }
        if (!"http".equals(config.scheme()) && !"https".equals(config.scheme())) {
            problems.add("scheme", "must be http or https, got '" + config.scheme() + "'");
        }
        if (config.refresh().isNegative() || config.refresh().isZero()) {
            problems.add("refresh", "must be > 0, got " + config.refresh());
        }
        if (config.weight() < 0) {
            problems.add("weight", "must be >= 0, got " + config.weight());
        }
    }

    @Override
    public ServiceDiscovery create(DnsConfig config, PluginContext context) {
        return new DnsDiscovery(config, WatchingDiscovery.logger(context, ID), InetAddress::getAllByName);
    }
}
