package com.example.hello;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

/**
 * {@code filter.hello}: answers {@code GET <route>/hello} itself with a greeting, and stamps every other response
 * with {@code X-Hello}. Config: {@code - hello: {greeting: "Hi"}} or the shortcut {@code - hello: Hi}.
 */
@Extension
public final class HelloFilterFactory implements FilterFactory<HelloFilterFactory.Config> {

    /**
     * @param greeting the text to answer with; default {@code Hello}
     */
    public record Config(String greeting) {
        public Config {
            greeting = greeting == null ? "Hello" : greeting;
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
        return (exchange, chain) -> {
            if (exchange.request().path().endsWith("/hello")) {
                return Response.text(200, config.greeting() + ", " + exchange.clientIp() + "\n");
            }
            Response response = chain.proceed(exchange);
            response.headers().set("X-Hello", config.greeting());
            return response;
        };
    }
}
