package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

/** A test plugin's filter: answers with its configured text. */
@Extension
public class EchoFilterFactory implements FilterFactory<EchoFilterFactory.Config> {

    /** @param text what to answer with */
    public record Config(String text) {
    }

    @Override
    public String id() {
        return "filter.echo";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        return (exchange, chain) -> Response.text(200, config.text());
    }
}
