package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

/**
 * A test plugin's filter that answers with {@code com.example.shared.Lib.version()} of the library its JAR bundles,
 * found through its own class loader. Its id is {@code filter.} plus the text of {@code lib-filter-id.txt}, so two
 * plugins can ship this one class, each with its own version of the library.
 */
@Extension
public class LibVersionFilterFactory implements FilterFactory<LibVersionFilterFactory.Config> {

    /** No options. */
    public record Config() {
    }

    @Override
    public String id() {
        return "filter." + VersionedFilterFactory.read(LibVersionFilterFactory.class, "lib-filter-id.txt");
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) throws Exception {
        Class<?> lib = Class.forName("com.example.shared.Lib", true, LibVersionFilterFactory.class.getClassLoader());
        String version = (String) lib.getMethod("version").invoke(null);
        return (exchange, chain) -> Response.text(200, "lib " + version);
    }
}
