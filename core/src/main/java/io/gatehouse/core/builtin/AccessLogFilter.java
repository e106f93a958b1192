package io.gatehouse.core.builtin;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import io.gatehouse.core.observe.AccessLog;

import java.nio.file.Path;

/**
 * {@code filter.access_log}: one JSON line per request, written once the response has been sent (so bytes and
 * duration are true), to stdout or to a file.
 */
public final class AccessLogFilter implements Filter {

    private final AccessLog log;

    AccessLogFilter(AccessLog log) {
        this.log = log;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        exchange.onComplete(completion -> log.write(exchange, completion));
        return chain.proceed(exchange);
    }

    @Override
    public void close() {
        log.close();
    }

    /**
     * @param file where to append the lines, relative to the gateway home; default stdout
     */
    public record Config(String file) {
    }

    /** Creates {@link AccessLogFilter}s. */
    public static final class Factory implements FilterFactory<Config> {
        @Override
        public String id() {
            return "filter.access_log";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public Filter create(Config config, PluginContext context) throws Exception {
            Path file = config.file() == null ? null : context.home().resolve(config.file());
            return new AccessLogFilter(AccessLog.open(file));
        }
    }
}
