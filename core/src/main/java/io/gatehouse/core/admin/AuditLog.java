package io.gatehouse.core.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.Problem;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The audit log: one JSON line per config (re)load and per admin API change, written by a background thread so
 * that a slow disk never holds the reload lock. Fields: {@code time}, {@code who}, {@code action}, {@code target},
 * {@code before}, {@code after} (SHA-256 digests of the entry's canonical JSON, or of the file for a reload),
 * {@code result} ({@code applied} or {@code rejected}), {@code status}, {@code problems} (count), {@code generation}.
 */
public final class AuditLog implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Object> STOP = Map.of();

    /** The audit log's file when none is configured. */
    public static final String DEFAULT = "logs/audit.log";
    /** An audit log that writes nothing. */
    public static final AuditLog OFF = new AuditLog(null);

    private final OutputStream out;
    private final BlockingQueue<Map<String, Object>> queue = new LinkedBlockingQueue<>(10_000);
    private final Thread writer;

    private AuditLog(OutputStream out) {
        this.out = out;
        this.writer = out == null ? null : Thread.ofPlatform().daemon().name("audit-log").start(this::drain);
    }

    /**
     * Opens the audit log named by {@code admin.audit_log}.
     *
     * @param where a file relative to {@code home} (folders are created), {@code -} for stdout, {@code off};
     *              {@code null} for {@value #DEFAULT}, or stdout when that cannot be opened
     * @throws ConfigException when the file cannot be opened for appending
     */
    public static AuditLog open(String where, Path home) throws ConfigException {
        if (where == null) {
            try {
                return open(DEFAULT, home);
            } catch (ConfigException e) {
                LOG.log(Level.WARNING, "{0}; the audit log goes to stdout (set admin.audit_log)",
                        e.problems().getFirst());
                return new AuditLog(System.out);
            }
        }
        if (where.equals("off")) {
            return OFF;
        }
        if (where.equals("-")) {
            return new AuditLog(System.out);
        }
        Path file = home.resolve(where);
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            return new AuditLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new Problem("admin.audit_log", "cannot open "
                    + file + " for appending: " + e.getMessage())));
        }
    }

    /** Logs a (re)load: {@code before} and {@code after} are the file's digests. */
    public void reload(Gateway.ReloadStatus status, String before, String after) {
        Map<String, Object> line = line(status.who(), "reload", status.source(), before, after);
        line.put("result", status.applied() ? "applied" : "rejected");
        line.put("problems", status.problems().size());
        line.put("generation", status.generation());
        offer(line);
    }

    /** Logs an admin API change, applied or refused. */
    public void change(String action, String target, String who, ConfigChange change, long generation) {
        ConfigEdit.Edited edited = change.edited();
        Map<String, Object> line = line(who, action, target, edited == null ? null : edited.before(),
                edited == null ? null : edited.after());
        line.put("result", change.applied() ? "applied" : "rejected");
        line.put("status", change.status());
        line.put("problems", change.problems().size());
        line.put("generation", generation);
        offer(line);
    }

    private static Map<String, Object> line(String who, String action, String target, String before, String after) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("who", who);
        line.put("action", action);
        line.put("target", target);
        line.put("before", before);
        line.put("after", after);
        return line;
    }

    private void offer(Map<String, Object> line) {
        if (out != null && !queue.offer(line)) {
            LOG.log(Level.WARNING, "audit log queue full; not written: {0}", line);
        }
    }

    private void drain() {
        try {
            while (true) {
                Map<String, Object> line = queue.take();
                if (line == STOP) {
                    return;
                }
                write(line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(Map<String, Object> line) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(line);
            synchronized (out) {
                out.write(bytes);
                out.write('\n');
                out.flush();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot write the audit log ({0}): {1}", e.getMessage(), line);
        }
    }

    /** Writes what is queued (waiting up to 5 s) and closes the file. */
    @Override
    public void close() {
        if (out == null) {
            return;
        }
        try {
            if (queue.offer(STOP, 5, TimeUnit.SECONDS)) {
                writer.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (out != System.out) {
            try {
                out.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
