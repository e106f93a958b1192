package com.example.hello;

import io.gatehouse.api.Doc;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

/**
 * {@code filter.hello}: answers {@code GET <route>/hello} itself with a greeting, and stamps every other response
 * with {@code X-Hello}. Config: {@code - hello: {greeting: "Hi", stamp: false}} or the shortcut {@code - hello: Hi}.
 */
@Extension
public final class HelloFilterFactory implements FilterFactory<HelloFilterFactory.Config> {

    /**
     * The options. Boxed types, so that "not given" ({@code null}) can get a default other than {@code false}/0
     * in the compact constructor.
     *
     * @param greeting the text to answer with; default {@code Hello}
     * @param stamp    whether other responses get {@code X-Hello}; default {@code true}
     * @param times    how often the greeting is repeated in the answer; default 1, at least 1
     */
    public record Config(@Doc("the text to answer GET .../hello with") String greeting,
                         @Doc("whether other responses get an X-Hello header") Boolean stamp,
                         @Doc("how often the greeting is repeated; at least 1") Integer times) {
        public Config {
            greeting = greeting == null ? "Hello" : greeting;
            stamp = stamp == null ? Boolean.TRUE : stamp;
            times = times == null ? 1 : times;
            if (times < 1) {
                throw new IllegalArgumentException("times must be at least 1, got " + times);
            }
        }
    }

    @Override
    public String id() {
        return "filter.hello";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void validate(Config config, Problems problems) {
        if (config.greeting().isBlank()) {
            problems.add("greeting", "must not be blank");
        }
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        String answer = (config.greeting() + " ").repeat(config.times()).strip();
        context.logger().log(System.Logger.Level.DEBUG, "{0}: answering ''{1}''", context.location(), answer);
        return (exchange, chain) -> {
            if (exchange.request().path().endsWith("/hello")) {
                return Response.text(200, answer + ", " + exchange.clientIp() + "\n");
            }
            Response response = chain.proceed(exchange);
            if (config.stamp()) {
                response.headers().set("X-Hello", config.greeting());
            }
            return response;
        };
    }

    /** {@code create} only builds a lambda: {@code gatehouse check} may run it (plugin-api 1.5.0). */
    @Override
    public boolean createIsSideEffectFree() {
        return true;
    }
}
