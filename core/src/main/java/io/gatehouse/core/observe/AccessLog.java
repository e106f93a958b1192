package io.gatehouse.core.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gatehouse.core.chain.GatewayExchange;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes access log lines (JSON, one object a line): time, request id, route, method, path, status, upstream
 * endpoint, bytes sent, duration.
 */
public final class AccessLog implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();
    private final OutputStream out;
    private final boolean ownsStream;
    private final ReentrantLock lock = new ReentrantLock();

    private AccessLog(OutputStream out, boolean ownsStream) {
        this.out = out;
        this.ownsStream = ownsStream;
    }

    /** Opens a log writing to {@code file} (appending), or to stdout when {@code null}. */
    public static AccessLog open(Path file) throws IOException {
        if (file == null) {
            return new AccessLog(new FileOutputStream(java.io.FileDescriptor.out), false);
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new AccessLog(new FileOutputStream(file.toFile(), true), true);
    }

    public void write(GatewayExchange exchange, GatewayExchange.Completion completion) {
        byte[] line = render(exchange, completion);
        lock.lock();
        try {
            out.write(line);
            out.flush();
        } catch (IOException ignored) {
            // a full disk must not fail requests
        } finally {
            lock.unlock();
        }
    }

    static byte[] render(GatewayExchange exchange, GatewayExchange.Completion completion) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.now().toString());
            json.writeStringField("request_id", exchange.requestId());
            json.writeStringField("route", exchange.routeId());
            json.writeStringField("method", exchange.request().method());
            json.writeStringField("path", exchange.originalPath());
            json.writeStringField("upstream_path", exchange.request().path());
            json.writeNumberField("status", completion.status());
            json.writeStringField("upstream", exchange.endpoint() == null ? null : exchange.endpoint().id());
            json.writeNumberField("bytes", completion.bytesSent());
            json.writeNumberField("duration_ms", completion.durationNanos() / 1_000_000.0);
            json.writeStringField("client_ip", exchange.clientIp());
            if (completion.error() != null) {
                json.writeStringField("error", String.valueOf(completion.error().getMessage()));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        buffer.write('\n');
        return buffer.toByteArray();
    }

    @Override
    public void close() {
        if (ownsStream) {
            try {
                out.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
