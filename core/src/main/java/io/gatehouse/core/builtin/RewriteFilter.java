package io.gatehouse.core.builtin;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Required;
import io.gatehouse.api.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code filter.rewrite}: replaces the path with a template; {@code :name} and {@code *name} segments take the
 * route's path parameters ({@code /users/:id}). The template is parsed once.
 */
public final class RewriteFilter implements Filter {

    private final List<Part> parts;

    public RewriteFilter(String template) {
        this.parts = parse(template);
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        exchange.request().path(expand(exchange.pathParams()));
        return chain.proceed(exchange);
    }

    String expand(Map<String, String> params) {
        StringBuilder path = new StringBuilder();
        for (Part part : parts) {
            if (part.param()) {
                String value = params.getOrDefault(part.text(), "");
                path.append('/').append(value);
            } else {
                path.append('/').append(part.text());
            }
        }
        String result = path.toString().replace("//", "/");
        return result.isEmpty() ? "/" : result;
    }

    /** The parameter names a template uses. */
    public static List<String> params(String template) {
        return parse(template).stream().filter(Part::param).map(Part::text).toList();
    }

    private static List<Part> parse(String template) {
        List<Part> parts = new ArrayList<>();
        String body = template.startsWith("/") ? template.substring(1) : template;
        if (body.isEmpty()) {
            return parts;
        }
        for (String segment : body.split("/", -1)) {
            if (segment.startsWith(":") || segment.startsWith("*")) {
                parts.add(new Part(segment.substring(1), true));
            } else {
                parts.add(new Part(segment, false));
            }
        }
        return parts;
    }

    private record Part(String text, boolean param) {
    }

    /**
     * @param path the new path template, starting with {@code /}; required
     */
    public record Config(@Required String path) {
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
            if (!config.path().startsWith("/")) {
                problems.add("path", "must start with '/', got '" + config.path() + "'");
            }
        }

        @Override
        public Filter create(Config config, PluginContext context) {
            return new RewriteFilter(config.path());
        }
    }
}
