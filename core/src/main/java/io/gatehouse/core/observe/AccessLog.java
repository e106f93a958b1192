package io.gatehouse.core.observe;

import io.gatehouse.api.Completion;
import io.gatehouse.api.Exchange;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.observe.tracing.TraceContext;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes access log lines (JSON, one object a line) with the {@link AccessLogField}s chosen: time, request and trace
 * ids, route, method, path, status, outcome, upstream endpoint and attempts, bytes in and out, duration, client
 * address, consumer. A request only hands its completed exchange to a bounded queue; one writer thread renders the
 * lines, appends them in batches, rotates the file by size and flushes once per batch, so no request renders JSON,
 * waits on a lock or on the disk. When the queue is full (the disk cannot keep up) lines are dropped and counted ({@link #dropped()}),
 * never requests slowed.
 */
public final class AccessLog implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
    /** How long the writer lets lines gather after the first one, so a busy log costs one write per batch. */
    private static final long LINGER_MILLIS = 2;
    private static final int QUEUE = 8192;
    private static final Object END = new Object();
    private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final OutputStream out;
    private final boolean ownsStream;
    private final Set<AccessLogField> fields;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile long lastDropLog = System.nanoTime() - DROP_LOG_INTERVAL_NANOS;

    private AccessLog(OutputStream out, boolean ownsStream, String name, Set<AccessLogField> fields) {
        this.out = out;
        this.ownsStream = ownsStream;
        this.fields = EnumSet.copyOf(fields);
        this.writer = Thread.ofPlatform().daemon().name("gatehouse-access-log " + name).start(this::drain);
    }

    /** Opens a log of every field, appending to {@code file} (never rotated), or to stdout when {@code null}. */
    public static AccessLog open(Path file) throws IOException {
        return open(file, EnumSet.allOf(AccessLogField.class), 0, 0);
    }

    /**
     * Opens a log.
     *
     * @param file     where to append, or {@code null} for stdout
     * @param fields   the fields of each line
     * @param maxSize  the file size at which it is rotated; 0 never rotates
     * @param maxFiles how many rotated files to keep
     */
    public static AccessLog open(Path file, Set<AccessLogField> fields, long maxSize, int maxFiles)
            throws IOException {
        if (file == null) {
            return new AccessLog(new java.io.BufferedOutputStream(new FileOutputStream(java.io.FileDescriptor.out),
                    64 * 1024), false, "stdout", fields);
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new AccessLog(new RotatingFile(file, maxSize, maxFiles), true, file.toString(), fields);
    }

    /**
     * Queues the line of a completed exchange; never blocks. The line is rendered by the writer: the exchange is
     * complete, so nothing changes it any more, and the queue hands it over safely.
     */
    public void write(Exchange exchange, Completion completion) {
        if (!queue.offer(new Pending(exchange, completion, System.currentTimeMillis()))) {
            long count = dropped.incrementAndGet();
            long now = System.nanoTime();
            if (now - lastDropLog > DROP_LOG_INTERVAL_NANOS) {
                lastDropLog = now;
                LOG.log(Level.WARNING, "access log cannot keep up: {0} line(s) dropped so far", count);
            }
        }
    }

    /** @return how many lines were dropped because the queue was full, since the log was opened */
    public long dropped() {
        return dropped.get();
    }

    /**
     * The writer: waits for an exchange, lets more gather for {@link #LINGER_MILLIS} (requests queueing meanwhile wake
     * nobody), then writes them into the (buffered) output and flushes once: one write call per batch.
     */
    private void drain() {
        List<Object> batch = new ArrayList<>(1024);
        try {
            // one line buffer for every line: each line is rendered into it, then appended to the output
            JsonLine json = new JsonLine();
            LineText text = new LineText();
            while (true) {
                Object first = queue.take();
                batch.add(first);
                if (first != END) {
                    Thread.sleep(LINGER_MILLIS);
                    queue.drainTo(batch, QUEUE);
                }
                boolean end = false;
                for (Object item : batch) {
                    if (item == END) {
                        end = true;
                        break;
                    }
                    Pending pending = (Pending) item;
                    try {
                        fields(json, text, pending.exchange(), pending.completion(), fields, pending.time());
                    } catch (RuntimeException e) {
                        // one exchange that cannot be rendered (a plugin's odd Exchange) costs its line only
                        LOG.log(Level.WARNING, "an access log line could not be written: {0}", e.toString());
                        continue;
                    }
                    json.writeTo(out); // line by line, so a rotation never splits one
                }
                batch.clear();
                out.flush();
                if (end) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "writing the access log failed; it stops: {0}", e.getMessage());
        }
    }

    /** Renders the line (its object and newline) into {@code json}. */
    static void fields(JsonLine json, LineText text, Exchange exchange, Completion completion,
                       Set<AccessLogField> fields, long time) {
        GatewayExchange gateway = exchange instanceof GatewayExchange g ? g : null;
        json.begin();
        for (AccessLogField field : fields) {
            write(json, text, field, exchange, gateway, completion, time);
        }
        json.end();
    }

    private static final String[] OUTCOMES = java.util.Arrays.stream(Completion.Outcome.values())
            .map(o -> o.name().toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);

    /**
     * The writer's number and time text. Formatting an {@link Instant} and a {@code double} was most of a line's
     * cost: the time's text up to the second is kept while the second lasts, and durations are written from whole
     * microseconds.
     */
    static final class LineText {
        private final StringBuilder text = new StringBuilder(32);
        private long second = Long.MIN_VALUE;
        private String secondText;

        /** @return {@code time} (epoch milliseconds) as ISO-8601 UTC with milliseconds, e.g. 2026-12-02T10:00:00.042Z */
        String time(long time) {
            long s = Math.floorDiv(time, 1000);
            if (s != second) {
                second = s;
                String full = Instant.ofEpochSecond(s).toString(); // 2026-12-02T10:00:00Z
                secondText = full.substring(0, full.length() - 1) + ".";
            }
            int millis = (int) Math.floorMod(time, 1000);
            text.setLength(0);
            text.append(secondText);
            pad3(millis);
            return text.append('Z').toString();
        }

        /** @return {@code nanos} in milliseconds with three decimals (microseconds), as JSON number text */
        String millis(long nanos) {
            long micros = Math.max(0, nanos) / 1000;
            text.setLength(0);
            text.append(micros / 1000).append('.');
            pad3((int) (micros % 1000));
            return text.toString();
        }

        private void pad3(int n) {
            text.append((char) ('0' + n / 100)).append((char) ('0' + n / 10 % 10)).append((char) ('0' + n % 10));
        }
    }

    /** A completed exchange waiting for the writer. */
    private record Pending(Exchange exchange, Completion completion, long time) {
    }

    private static void write(JsonLine json, LineText text, AccessLogField field, Exchange exchange,
                              GatewayExchange gateway, Completion completion, long time) {
        TraceContext trace = gateway == null ? null : gateway.trace();
        switch (field) {
            case TIME -> json.string("time", text.time(time));
            case REQUEST_ID -> json.string("request_id", exchange.requestId());
            case TRACE_ID -> json.string("trace_id", trace == null ? null : trace.traceId());
            case SPAN_ID -> json.string("span_id", trace == null ? null : trace.spanIdHex());
            case ROUTE -> json.string("route", exchange.routeId());
            case METHOD -> json.string("method", exchange.request().method());
            case PATH -> json.string("path", gateway != null ? gateway.originalPath()
                    : exchange.request().path());
            case UPSTREAM_PATH -> json.string("upstream_path", exchange.request().path());
            case STATUS -> json.number("status", completion.status());
            case OUTCOME -> json.string("outcome", OUTCOMES[completion.outcome().ordinal()]);
            case UPSTREAM -> json.string("upstream", gateway == null || gateway.endpoint() == null ? null
                    : gateway.endpoint().id());
            case ATTEMPTS -> json.number("attempts", trace == null ? 0 : trace.attempts());
            case BYTES_IN -> json.number("bytes_in", completion.bytesReceived());
            case BYTES -> json.number("bytes", completion.bytesSent());
            case DURATION_MS -> {
                json.numberText("duration_ms", text.millis(completion.duration().toNanos()));
            }
            case CLIENT_IP -> json.string("client_ip", exchange.clientIp());
            case CONSUMER -> {
                if (exchange.authenticated().isPresent()) {
                    json.string("consumer", exchange.authenticated().get().id());
                    json.string("credential", exchange.authenticated().get().credential());
                }
            }
            case GRPC_STATUS -> {
                String status = gateway == null ? null : gateway.grpcStatus();
                if (status != null && status.matches("[0-9]{1,2}")) {
                    json.number("grpc_status", Integer.parseInt(status));
                } else if (status != null) {
                    json.string("grpc_status", status);
                }
            }
            case ERROR -> {
                if (completion.error().isPresent()) {
                    json.string("error", String.valueOf(completion.error().get().getMessage()));
                }
            }
        }
    }

    /** Writes what is queued, then closes. */
    @Override
    public void close() {
        try {
            if (queue.offer(END, 1, TimeUnit.SECONDS)) {
                writer.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
        if (ownsStream) {
            try {
                out.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
