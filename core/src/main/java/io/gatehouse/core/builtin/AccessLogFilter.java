package io.gatehouse.core.builtin;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import io.gatehouse.api.Problems;
import io.gatehouse.core.admin.AuditLog;
import io.gatehouse.core.config.ByteSize;
import io.gatehouse.core.observe.AccessLog;
import io.gatehouse.core.observe.AccessLogField;

import java.nio.file.InvalidPathException;
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

    /** The folders of the gateway home an access log may not go into: the config, the plugins and the scripts. */
    private static final List<String> RESERVED = List.of("conf", "plugins", "scripts");

    /**
     * Checks an access log's {@code file} without touching the file system: it must be a relative path that stays
     * inside the gateway home once normalised ({@code logs/../access.log} is fine, {@code ../x}, {@code a/../../x}
     * and {@code /var/log/x} are not), and neither in {@code conf/}, {@code plugins/} or {@code scripts/} nor the
     * audit log's default file, since rotation truncates and deletes it. Symbolic links are not looked at:
     * creating one needs access to the home's file system, which the admin API does not give, so a folder the
     * operator links (say {@code logs/} to {@code /var/log/gatehouse}) is where they chose the logs to go.
     *
     * @return null when {@code file} is acceptable, else what is wrong with it
     */
    static String fileProblem(String file) {
        String problem = "must be a path inside the gateway home, e.g. logs/access.log: no absolute path, no '..' "
                + "leading out of it, not in conf/, plugins/ or scripts/, not logs/audit.log (got "
                + (file == null ? "" : file.replace("\0", "\\0")) + ")";
        if (file == null || file.isBlank() || file.indexOf('\0') >= 0) {
            return problem;
        }
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            return problem;
        }
        Path normal = path.normalize();
        if (path.isAbsolute() || path.getRoot() != null || normal.toString().isEmpty()
                || normal.getName(0).toString().equals("..") || RESERVED.contains(normal.getName(0).toString())
                || normal.equals(Path.of(AuditLog.DEFAULT))) {
            return problem;
        }
        return null;
    }

    /**
     * @param file      where to append the lines: a path inside the gateway home, relative to it (see
     *                  {@link #fileProblem}); default stdout
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
            if (config.file() != null) {
                String problem = fileProblem(config.file());
                if (problem != null) {
                    problems.add("file", problem);
                }
            }
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
            Path file = null;
            if (config.file() != null) {
                // validate() has refused a path leading out; checked again so no caller can skip it
                Path home = context.home().toAbsolutePath().normalize();
                file = home.resolve(config.file()).normalize();
                if (fileProblem(config.file()) != null || !file.startsWith(home) || file.equals(home)) {
                    throw new IllegalArgumentException("file: must be a path inside the gateway home (got "
                            + config.file() + ")");
                }
            }
            return new AccessLogFilter(AccessLog.open(file, AccessLogField.of(config.fields()),
                    config.maxSize().bytes(), config.maxFiles()));
        }
    }
}
