package io.gatehouse.core.generation;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.observe.RequestObserver;
import io.gatehouse.core.observe.metrics.GatewayMetrics;
import io.gatehouse.core.plugin.ComponentRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A component's {@code PluginContext.meters()} is the gateway's registry, under the component's id. */
class PluginMetersWiringTest {

    /** A filter whose creation counts itself in its meters. */
    public static final class CountingFactory implements FilterFactory<CountingFactory.Config> {
        public record Config(String label) {
        }

        @Override
        public String id() {
            return "filter.counting";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public Filter create(Config config, PluginContext context) {
            context.meters().counter("counting_made", "label", config.label() == null ? "none" : config.label())
                    .increment();
            return (exchange, chain) -> chain.proceed(exchange);
        }
    }

    @Test
    void componentsCountInTheGatewaysRegistryAcrossGenerations() throws Exception {
        List<io.gatehouse.api.ComponentFactory<?, ?>> factories = new ArrayList<>(Builtins.factories());
        factories.add(new CountingFactory());
        try (GatewayMetrics metrics = new GatewayMetrics()) {
            GenerationBuilder builder = new GenerationBuilder(ComponentRegistry.of(factories), Path.of("."),
                    () -> null, RequestObserver.Factory.NOOP, metrics::pluginMeters);
            String yaml = """
                    upstreams: { u: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:1" } ] } } }
                    routes:
                      - { id: r, match: { path: /r }, upstream: u, filters: [ { counting: { label: a } } ] }
                    """;
            try (Generation first = builder.build(ConfigLoader.read(yaml, "test", Map.of()));
                 Generation second = builder.build(ConfigLoader.read(yaml, "test", Map.of()))) {
                String text = metrics.scrape(null).text();
                assertTrue(text.contains("gatehouse_counting_made_total{label=\"a\",plugin=\"filter.counting\"} 2.0"),
                        text);
            }
        }
    }
}
