package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import org.pf4j.Extension;

import java.util.Objects;

/** A test plugin whose filter fails every request with a bug: a {@link NullPointerException}. */
@Extension
public class ThrowingFilterFactory implements FilterFactory<ThrowingFilterFactory.Config> {

    /** @param header the header it reads without checking it is there */
    public record Config(String header) {
    }

    @Override
    public String id() {
        return "filter.throwing";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        return (exchange, chain) -> {
            Objects.requireNonNull(exchange.request().headers().first(config.header()).orElse(null), config.header());
            return chain.proceed(exchange);
        };
    }
}
