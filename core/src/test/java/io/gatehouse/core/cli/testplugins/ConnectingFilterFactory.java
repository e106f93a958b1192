package io.gatehouse.core.cli.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import org.pf4j.Extension;

/**
 * A test plugin whose {@code create} would connect somewhere (it fails here, as if the server were down): it keeps
 * the default {@code createIsSideEffectFree() == false}, so {@code gatehouse check} must not call it.
 */
@Extension
public class ConnectingFilterFactory implements FilterFactory<ConnectingFilterFactory.Config> {

    /** @param url where it would connect */
    public record Config(String url) {
    }

    @Override
    public String id() {
        return "filter.connecting";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        throw new IllegalStateException("connection refused: " + config.url());
    }
}
