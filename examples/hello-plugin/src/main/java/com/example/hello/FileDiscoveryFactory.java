package com.example.hello;

import io.gatehouse.api.DiscoveryFactory;
import io.gatehouse.api.Doc;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Required;
import io.gatehouse.api.ServiceDiscovery;
import org.pf4j.Extension;

import java.time.Duration;

/**
 * {@code discovery.hello_file}: the endpoints of each service come from a YAML file, read again when it changes.
 * Config on an upstream: {@code discovery: {type: hello_file, path: /etc/gatehouse/services.yaml, interval: 2s}};
 * the file maps service names to endpoint lists:
 *
 * <pre>
 * orders:
 *   - { url: "http://10.0.0.5:8080", weight: 2 }
 *   - { url: "http://10.0.0.6:8080" }
 * </pre>
 *
 * <p>It reads the file with SnakeYAML, which the plugin bundles (shaded and relocated, see the POM): the gateway's
 * own SnakeYAML is not visible to a plugin.
 */
@Extension
public final class FileDiscoveryFactory implements DiscoveryFactory<FileDiscoveryFactory.Config> {

    /**
     * @param path     the YAML file; relative to the gateway's home; required
     * @param interval how often the file is looked at for changes; default 5s
     */
    public record Config(@Required @Doc("the YAML file of endpoints, relative to the gateway's home") String path,
                         @Doc("how often the file is checked for changes") Duration interval) {
        public Config {
            interval = interval == null ? Duration.ofSeconds(5) : interval;
        }
    }

    @Override
    public String id() {
        return "discovery.hello_file";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void validate(Config config, Problems problems) {
        if (config.interval().compareTo(Duration.ofMillis(100)) < 0) {
            problems.add("interval", "must be at least 100ms, got " + config.interval().toMillis() + "ms");
        }
    }

    /** Nothing is read or started here: each {@code watch} starts its own poller (so this is not a dry run's). */
    @Override
    public ServiceDiscovery create(Config config, PluginContext context) {
        return (service, onChange) -> new EndpointFile(context.home().resolve(config.path()), service,
                config.interval(), context.logger()).watch(onChange);
    }
}
