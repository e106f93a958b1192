package io.gatehouse.core.builtin;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import io.gatehouse.api.Problems;
import io.gatehouse.core.config.ByteSize;
import io.gatehouse.core.observe.AccessLog;
import io.gatehouse.core.observe.AccessLogField;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code filter.access_log}: one JSON line per request, written once the response has been sent (so bytes and
 * duration are true), to stdout or to a file rotated by size.
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

    /** @return the lines dropped because the log could not keep up */
    public long dropped() {
        return log.dropped();
    }

    @Override
    public void close() {
        log.close();
    }

    /**
     * @param file      where to append the lines, relative to the gateway home; default stdout
     * @param fields    the fields of each line, in the log's own order (see {@link AccessLogField}); default all
     * @param maxSize   the size at which {@code file} is rotated ({@code access.log} becomes {@code access.log.1});
     *                  default 100MiB; 0 never rotates
     * @param maxFiles  how many rotated files to keep; default 5
     */
    public record Config(String file, List<String> fields, ByteSize maxSize, Integer maxFiles) {
        public Config {
            fields = fields == null ? null : List.copyOf(fields);
            maxSize = maxSize == null ? ByteSize.ofMib(100) : maxSize;
            maxFiles = maxFiles == null ? 5 : maxFiles;
        }
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
        public void validate(Config config, Problems problems) {
            if (config.fields() != null) {
                if (config.fields().isEmpty()) {
                    problems.add("fields", "must name at least one field (" + AccessLogField.keys() + ")");
                }
                for (int i = 0; i < config.fields().size(); i++) {
                    String key = config.fields().get(i);
                    if (AccessLogField.of(key) == null) {
                        problems.add("fields[" + i + "]", "unknown field '" + key + "'; known: "
                                + AccessLogField.keys());
                    }
                }
            }
            if (config.maxFiles() < 0) {
                problems.add("max_files", "must be 0 or more, got " + config.maxFiles());
            }
        }

        @Override
        public Filter create(Config config, PluginContext context) throws Exception {
            Path file = config.file() == null ? null : context.home().resolve(config.file());
            return new AccessLogFilter(AccessLog.open(file, AccessLogField.of(config.fields()),
                    config.maxSize().bytes(), config.maxFiles()));
        }
    }
}
