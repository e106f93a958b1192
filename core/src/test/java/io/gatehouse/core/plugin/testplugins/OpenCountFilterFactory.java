package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test plugin's filter that answers how many of its filters are open (created and not yet closed) in the whole
 * process: {@code open=1}. The count is static, in the plugin's class loader, so it spans every generation.
 */
@Extension
public class OpenCountFilterFactory implements FilterFactory<OpenCountFilterFactory.Config> {

    private static final AtomicInteger OPEN = new AtomicInteger();

    /** No options. */
    public record Config() {
    }

    @Override
    public String id() {
        return "filter.open_count";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        OPEN.incrementAndGet();
        return new Filter() {
            @Override
            public Response filter(Exchange exchange, Chain chain) {
                return Response.text(200, "open=" + OPEN.get());
            }

            @Override
            public void close() {
                OPEN.decrementAndGet();
            }
        };
    }
}
