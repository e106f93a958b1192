package io.gatehouse.core.testing.plugins;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.PluginContext;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code filter.test_auth}: an authentication filter for the core's tests, with a credential anyone can forge.
 * {@code <header>: <id>} identifies consumer {@code id} (groups from {@code groups}), {@code <header>: bad} is
 * refused with 401, no header records the challenge {@code Test realm="<header>"} (and, with {@code anonymous},
 * admits the anonymous consumer). {@code forward} names a header set to the consumer's id, declared as an identity
 * header. {@code lazy: true} makes a broken filter that claims to authenticate but never sets a consumer.
 */
public final class TestAuthFilterFactory implements FilterFactory<TestAuthFilterFactory.Config> {

    public record Config(String header, List<String> groups, String anonymous, String forward, Boolean lazy) {
    }

    @Override
    public String id() {
        return "filter.test_auth";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        String header = config.header() == null ? "X-Test-Key" : config.header();
        List<String> groups = config.groups() == null ? List.of() : config.groups();
        boolean lazy = Boolean.TRUE.equals(config.lazy());
        return new Filter() {
            @Override
            public io.gatehouse.api.Response filter(io.gatehouse.api.Exchange exchange, io.gatehouse.api.Chain chain)
                    throws Exception {
                if (lazy || exchange.authenticated().filter(c -> !c.isAnonymous()).isPresent()) {
                    return chain.proceed(exchange);
                }
                String presented = exchange.request().headers().first(header).orElse(null);
                if (presented == null) {
                    exchange.challenge("Test realm=\"" + header + "\"");
                    if (config.anonymous() != null && exchange.authenticated().isEmpty()) {
                        exchange.authenticate(Consumer.anonymous(config.anonymous()));
                    }
                    return chain.proceed(exchange);
                }
                if (presented.equals("bad")) {
                    throw new GatewayException(401, "invalid_test_key", "The test key is not valid.")
                            .header("WWW-Authenticate", "Test realm=\"" + header + "\", error=\"invalid\"");
                }
                exchange.authenticate(new Consumer(presented, "test", groups, Map.of("via", header)));
                exchange.request().headers().remove(header);
                if (config.forward() != null) {
                    exchange.request().headers().set(config.forward(), presented);
                }
                return chain.proceed(exchange);
            }

            @Override
            public boolean authenticates() {
                return true;
            }

            @Override
            public Set<String> identityHeaders() {
                return config.forward() == null ? Set.of() : Set.of(config.forward());
            }
        };
    }
}
