package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.PluginContext;
import io.gatehouse.core.plugin.testplugins.tenantlib.TenantSet;
import org.pf4j.Extension;

/**
 * A test plugin that uses a library class ({@link TenantSet}) its JAR does not bundle, as an author who forgot to
 * shade Guava would: PF4J starts it, and only {@code create} would fail.
 */
@Extension
public class TenantFilterFactory implements FilterFactory<TenantFilterFactory.Config> {

    /** @param tenant the one tenant let through */
    public record Config(String tenant) {
    }

    @Override
    public String id() {
        return "filter.tenant";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        TenantSet allowed = TenantSet.of(config.tenant());
        return (exchange, chain) -> {
            if (!allowed.contains(exchange.request().headers().first("X-Tenant").orElse(""))) {
                throw new GatewayException(403, "tenant", "unknown tenant");
            }
            return chain.proceed(exchange);
        };
    }
}
