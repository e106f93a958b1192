package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A test plugin's filter that proxies and adds {@code X-Plugin-Version} with the text of {@code versioned.txt} in
 * its own JAR, so each build of the plugin a hot-plug test drops in answers with its own version. It publishes a
 * gauge whose supplier is its own code, which must not keep its class loader alive once it is unplugged.
 */
@Extension
public class VersionedFilterFactory implements FilterFactory<VersionedFilterFactory.Config> {

    /** No options. */
    public record Config() {
    }

    @Override
    public String id() {
        return "filter.versioned";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        String version = read(VersionedFilterFactory.class, "versioned.txt");
        java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();
        context.meters().gauge("versioned_served", served::get);
        return (exchange, chain) -> {
            served.incrementAndGet();
            Response response = chain.proceed(exchange);
            response.headers().set("X-Plugin-Version", version);
            return response;
        };
    }

    /** @return the text of a resource of the plugin's own JAR */
    static String read(Class<?> of, String resource) {
        try (InputStream in = of.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the plugin");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
