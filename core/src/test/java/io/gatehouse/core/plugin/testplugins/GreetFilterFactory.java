package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import org.pf4j.Extension;

/** A healthy test plugin that must keep loading whatever its neighbours do. */
@Extension
public class GreetFilterFactory implements FilterFactory<GreetFilterFactory.Config> {

    /** No options. */
    public record Config() {
    }

    @Override
    public String id() {
        return "filter.greet";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        return (exchange, chain) -> {
            exchange.request().headers().set("X-Greeting", "hello");
            return chain.proceed(exchange);
        };
    }
}
