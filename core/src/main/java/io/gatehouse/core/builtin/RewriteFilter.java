package io.gatehouse.core.builtin;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Doc;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Required;
import io.gatehouse.api.Response;

import io.gatehouse.core.route.PathTemplate;

/**
 * {@code filter.rewrite}: replaces the path with a template; {@code :name} and {@code *name} segments take the
 * route's path parameters ({@code /users/:id}), carried over in wire form: a kept escape such as {@code %3B} in a
 * value reaches the upstream as sent, neither decoded nor encoded again. The template is parsed once.
 */
public final class RewriteFilter implements Filter {

    private final PathTemplate template;

    public RewriteFilter(String template) {
        this.template = PathTemplate.parse(template);
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        exchange.request().path(template.expand(exchange.pathParams()));
        return chain.proceed(exchange);
    }

    /**
     * @param path the new path template, starting with {@code /}; required
     */
    public record Config(
            @Doc("the new path template, starting with /; may use the match's :params") @Required String path) {
    }

    /** Creates {@link RewriteFilter}s; shortcut {@code rewrite: /users/:id}. */
    public static final class Factory implements FilterFactory<Config> {
        @Override
        public String id() {
            return "filter.rewrite";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public void validate(Config config, Problems problems) {
            PathTemplate.problem(config.path()).ifPresent(problem -> problems.add("path", problem));
        }

        @Override
        public Filter create(Config config, PluginContext context) {
            return new RewriteFilter(config.path());
        }
    }
}
