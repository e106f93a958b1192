package io.gatehouse.plugins.headers;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;

/**
 * Changes the request headers, proceeds, then changes the response headers. Holds only immutable rules, so one
 * instance serves every request of its route. A response that a later stage fails with a
 * {@link io.gatehouse.api.GatewayException} is rendered by the core and not changed here.
 */
final class HeadersFilter implements Filter {

    private final HeadersConfig.Rules request;
    private final HeadersConfig.Rules response;

    HeadersFilter(HeadersConfig config) {
        this.request = config.request();
        this.response = config.response();
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        apply(request, exchange.request().headers());
        Response result = chain.proceed(exchange);
        apply(response, result.headers());
        return result;
    }

    private static void apply(HeadersConfig.Rules rules, Headers headers) {
        rules.remove().forEach(headers::remove);
        rules.set().forEach(headers::set);
        rules.add().forEach(headers::add);
    }
}
