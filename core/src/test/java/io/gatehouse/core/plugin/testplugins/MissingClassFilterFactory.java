package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import org.pf4j.Extension;

/** A test plugin built against a library it does not ship: its create fails with a {@link NoClassDefFoundError}. */
@Extension
public class MissingClassFilterFactory implements FilterFactory<MissingClassFilterFactory.Config> {

    /** @param limit unused */
    public record Config(Integer limit) {
    }

    @Override
    public String id() {
        return "filter.missing_class";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        throw new NoClassDefFoundError("com/example/ratelimit/Store");
    }
}
