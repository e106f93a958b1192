package io.gatehouse.core.builtin;

import io.gatehouse.api.DiscoveryFactory;
import io.gatehouse.api.Doc;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Required;
import io.gatehouse.api.ServiceDiscovery;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code discovery.static}: a fixed list of endpoints from config.
 */
public final class StaticDiscovery implements ServiceDiscovery {

    private final List<Endpoint> endpoints;

    StaticDiscovery(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    @Override
    public Subscription watch(String service, Consumer<List<Endpoint>> onChange) {
        onChange.accept(endpoints);
        return () -> {
        };
    }

    /**
     * @param endpoints the endpoints; required, at least one
     */
    public record Config(@Doc("the endpoints; at least one") @Required List<EndpointConfig> endpoints) {
    }

    /**
     * @param url      base URL, {@code http://host:port}; required
     * @param weight   relative share; default 1
     * @param metadata free-form labels; default none
     */
    public record EndpointConfig(@Doc("base URL, http://host:port") @Required String url,
                                 @Doc("relative share of the requests") Integer weight,
                                 @Doc("free-form labels, e.g. for balancers") Map<String, String> metadata) {
        public EndpointConfig {
            weight = weight == null ? 1 : weight;
            metadata = metadata == null ? Map.of() : metadata;
        }

        Endpoint toEndpoint() {
            return new Endpoint(URI.create(url), weight, metadata);
        }
    }

    /** Creates {@link StaticDiscovery}s. */
    public static final class Factory implements DiscoveryFactory<Config> {
        @Override
        public String id() {
            return "discovery.static";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public void validate(Config config, Problems problems) {
            if (config.endpoints().isEmpty()) {
                problems.add("endpoints", "at least one endpoint is required");
            }
            for (int i = 0; i < config.endpoints().size(); i++) {
                try {
                    config.endpoints().get(i).toEndpoint();
                } catch (IllegalArgumentException e) {
                    problems.add("endpoints[" + i + "].url", e.getMessage());
                }
            }
        }

        @Override
        public ServiceDiscovery create(Config config, PluginContext context) {
            return new StaticDiscovery(config.endpoints().stream().map(EndpointConfig::toEndpoint).toList());
        }
    }
}
