package io.gatehouse.plugins.cache;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Consumer;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

/**
 * {@code filter.header_auth}, for tests only (built into a plugin JAR by the test): an authentication filter that
 * takes the consumer's id from a request header, standing in for the shipped ones so that this module's tests need
 * no other plugin's build.
 */
@Extension
public final class HeaderAuthFactory implements FilterFactory<HeaderAuthFactory.Config> {

    /** @param header the header holding the consumer's id */
    public record Config(String header) {
    }

    @Override
    public String id() {
        return "filter.header_auth";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        return new HeaderAuth(config.header());
    }

    /** Identifies the consumer named by the header, or records a challenge. */
    static final class HeaderAuth implements Filter {
        private final String header;

        HeaderAuth(String header) {
            this.header = header;
        }

        @Override
        public Response filter(Exchange exchange, Chain chain) throws Exception {
            String id = exchange.request().headers().first(header).orElse(null);
            if (id == null) {
                exchange.challenge("Test realm=\"test\"");
            } else {
                exchange.authenticate(Consumer.of(id, Consumer.API_KEY));
            }
            return chain.proceed(exchange);
        }

        @Override
        public boolean authenticates() {
            return true;
        }
    }
}
