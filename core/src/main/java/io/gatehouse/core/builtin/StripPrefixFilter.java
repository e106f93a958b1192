package io.gatehouse.core.builtin;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Doc;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Response;

/**
 * {@code filter.strip_prefix}: drops the first {@code parts} segments of the path before proxying
 * ({@code /api/v1/users} with 2 → {@code /users}; stripping every segment leaves {@code /}).
 */
public final class StripPrefixFilter implements Filter {

    private final int parts;

    public StripPrefixFilter(int parts) {
        this.parts = parts;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        exchange.request().path(strip(exchange.request().path(), parts));
        return chain.proceed(exchange);
    }

    static String strip(String path, int parts) {
        int index = 0;
        for (int i = 0; i < parts; i++) {
            int next = path.indexOf('/', index + 1);
            if (next < 0) {
                return "/";
            }
            index = next;
        }
        return path.substring(index);
    }

    /**
     * @param parts how many leading segments to drop; must be &gt; 0
     */
    public record Config(@Doc("how many leading path segments to drop; more than 0") int parts) {
    }

    /** Creates {@link StripPrefixFilter}s; shortcut {@code strip_prefix: 2}. */
    public static final class Factory implements FilterFactory<Config> {
        @Override
        public String id() {
            return "filter.strip_prefix";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public void validate(Config config, Problems problems) {
            if (config.parts() <= 0) {
                problems.add("parts", "must be > 0, got " + config.parts());
            }
        }

        @Override
        public Filter create(Config config, PluginContext context) {
            return new StripPrefixFilter(config.parts());
        }
    }
}
