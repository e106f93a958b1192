package io.gatehouse.core.builtin;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Doc;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;

/**
 * {@code filter.request_id}: sends the exchange's request id upstream and back to the client in
 * {@code X-Request-Id}. The id itself is decided by the core before routing (the client's, when it is sane; else
 * a new one), so that error responses carry it too.
 */
public final class RequestIdFilter implements Filter {

    private final String header;

    RequestIdFilter(String header) {
        this.header = header;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        exchange.request().headers().set(header, exchange.requestId());
        Response response = chain.proceed(exchange);
        response.headers().set(header, exchange.requestId());
        return response;
    }

    /**
     * @param header the header name; default {@code X-Request-Id}
     */
    public record Config(
            @Doc("the header carrying the request id, to the upstream and back to the client") String header) {
        public Config {
            header = header == null ? "X-Request-Id" : header;
        }
    }

    /** Creates {@link RequestIdFilter}s. */
    public static final class Factory implements FilterFactory<Config> {
        @Override
        public String id() {
            return "filter.request_id";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public Filter create(Config config, PluginContext context) {
            return new RequestIdFilter(config.header());
        }
    }
}
