package io.gatehouse.core.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gatehouse.api.Completion;
import io.gatehouse.api.Exchange;
import io.gatehouse.core.chain.GatewayExchange;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes access log lines (JSON, one object a line): time, request id, route, method, path, status, outcome,
 * upstream endpoint, bytes sent, duration, client address. A request only renders its line and hands it to a
 * bounded queue; one writer thread appends the lines in batches and flushes when it has caught up, so no request
 * waits on a lock or on the disk. When the queue is full (the disk cannot keep up) lines are dropped and counted,
 * never requests slowed.
 */
public final class AccessLog implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    private static final int QUEUE = 8192;
    private static final byte[] END = new byte[0];
    private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final OutputStream out;
    private final boolean ownsStream;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private long lastDropLog;

    private AccessLog(OutputStream out, boolean ownsStream, String name) {
        this.out = out;
        this.ownsStream = ownsStream;
        this.writer = Thread.ofPlatform().daemon().name("gatehouse-access-log " + name).start(this::drain);
    }

    /** Opens a log writing to {@code file} (appending), or to stdout when {@code null}. */
    public static AccessLog open(Path file) throws IOException {
        if (file == null) {
            return new AccessLog(new FileOutputStream(java.io.FileDescriptor.out), false, "stdout");
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new AccessLog(new FileOutputStream(file.toFile(), true), true, file.toString());
    }

    /** Queues the line of a completed exchange; never blocks. */
    public void write(Exchange exchange, Completion completion) {
        if (!queue.offer(render(exchange, completion))) {
            long count = dropped.incrementAndGet();
            long now = System.nanoTime();
            if (now - lastDropLog > DROP_LOG_INTERVAL_NANOS) {
                lastDropLog = now;
                LOG.log(Level.WARNING, "access log cannot keep up: {0} line(s) dropped so far", count);
            }
        }
    }

    private void drain() {
        List<byte[]> batch = new ArrayList<>(256);
        try {
            while (true) {
                byte[] first = queue.take();
                batch.add(first);
                queue.drainTo(batch, 1023);
                boolean end = false;
                for (byte[] line : batch) {
                    if (line == END) {
                        end = true;
                        break;
                    }
                    out.write(line);
                }
                batch.clear();
                if (queue.isEmpty() || end) {
                    out.flush();
                }
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

    static byte[] render(Exchange exchange, Completion completion) {
        GatewayExchange gateway = exchange instanceof GatewayExchange g ? g : null;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.now().toString());
            json.writeStringField("request_id", exchange.requestId());
            json.writeStringField("route", exchange.routeId());
            json.writeStringField("method", exchange.request().method());
            json.writeStringField("path", gateway != null ? gateway.originalPath() : exchange.request().path());
            json.writeStringField("upstream_path", exchange.request().path());
            json.writeNumberField("status", completion.status());
            json.writeStringField("outcome", completion.outcome().name().toLowerCase(java.util.Locale.ROOT));
            json.writeStringField("upstream", gateway == null || gateway.endpoint() == null ? null
                    : gateway.endpoint().id());
            json.writeNumberField("bytes", completion.bytesSent());
            json.writeNumberField("duration_ms", completion.duration().toNanos() / 1_000_000.0);
            json.writeStringField("client_ip", exchange.clientIp());
            if (exchange.authenticated().isPresent()) {
                json.writeStringField("consumer", exchange.authenticated().get().id());
                json.writeStringField("credential", exchange.authenticated().get().credential());
            }
            if (completion.error().isPresent()) {
                json.writeStringField("error", String.valueOf(completion.error().get().getMessage()));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.write('\n');
        return buffer.toByteArray();
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
