package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;

/** The body of the test factories that differ only in their id or construction. */
public abstract class PassThroughFilterFactory implements FilterFactory<PassThroughFilterFactory.Config> {

    /** No options. */
    public record Config() {
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        return (exchange, chain) -> chain.proceed(exchange);
    }
}
