package io.gatehouse.core.testing.plugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;

/**
 * {@code filter.drop_response}: calls {@code proceed}, then drops the upstream's response without reading or
 * closing it, as a careless filter would: {@code mode: replace} answers with its own response instead,
 * {@code mode: throw} throws.
 */
public final class DropResponseFilterFactory implements FilterFactory<DropResponseFilterFactory.Config> {

    /**
     * @param mode {@code replace} (default) or {@code throw}
     */
    public record Config(String mode) {
    }

    @Override
    public String id() {
        return "filter.drop_response";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        boolean fail = "throw".equals(config.mode());
        return (exchange, chain) -> {
            Response dropped = chain.proceed(exchange);
            if (fail) {
                throw new IllegalStateException("a filter that fails after proceed (status " + dropped.status() + ")");
            }
            return Response.text(200, "replaced");
        };
    }
}
