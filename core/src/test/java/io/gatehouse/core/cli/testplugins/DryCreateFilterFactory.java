package io.gatehouse.core.cli.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

import java.util.Base64;

/**
 * A test plugin whose {@code create} opens nothing ({@link #createIsSideEffectFree()}) and finds what
 * {@code validate} does not: a key that is not Base64.
 */
@Extension
public class DryCreateFilterFactory implements FilterFactory<DryCreateFilterFactory.Config> {

    /** @param key a Base64 key */
    public record Config(String key) {
    }

    @Override
    public String id() {
        return "filter.dry_create";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        byte[] key = Base64.getDecoder().decode(config.key());
        return (exchange, chain) -> {
            Response response = chain.proceed(exchange);
            response.headers().set("X-Key-Length", String.valueOf(key.length));
            return response;
        };
    }

    @Override
    public boolean createIsSideEffectFree() {
        return true;
    }
}
