package io.gatehouse.core.proxy;

import io.gatehouse.core.upstream.UpstreamConnection;
import io.helidon.common.buffers.DataReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An upstream response body read straight from the connection while the client's response is already under way:
 * fixed length, chunked, or until the connection closes. When it ends cleanly the connection goes back to the pool
 * (unless the upstream sent more than the body: then it is closed); if it is closed early or breaks, the connection
 * is closed, never reused half-read. A framing error found here can no longer become a 502: the client's response
 * is broken off instead.
 *
 * <p>However it ends, its {@link BodyEnd} hears of it once: with the upstream's fault when a read failed (the
 * connection broke, the framing was invalid, the idle timeout passed), else without.
 */
final class UpstreamBodyStream extends InputStream {

    private static final VarHandle DONE;

    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(UpstreamBodyStream.class, "done", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UpstreamConnection connection;
    private final DataReader reader;
    private final ChunkedDecoder<BadResponseException> chunks;
    private final boolean reusable;
    private long remaining;
    // set once, by the reading thread or by another one that closes the body (a shutdown ending a stream): whoever
    // sets it decides the connection's fate, so a body that ends as it is closed never both pools and closes it
    private volatile boolean done;
    private volatile BodyEnd end;
    private final AtomicBoolean endReported = new AtomicBoolean();
    private volatile IOException fault;

    private UpstreamBodyStream(UpstreamConnection connection, ChunkedDecoder<BadResponseException> chunks, long length, boolean reusable) {
        this.connection = connection;
        this.reader = connection.reader();
        this.chunks = chunks;
        this.remaining = length;
        this.reusable = reusable;
    }

    /** A body of {@code length > 0} bytes. */
    static UpstreamBodyStream fixed(UpstreamConnection connection, long length, boolean reusable) {
        return new UpstreamBodyStream(connection, null, length, reusable);
    }

    static UpstreamBodyStream chunked(UpstreamConnection connection, boolean reusable) {
        return new UpstreamBodyStream(connection, ChunkedDecoder.upstream(connection.reader()), -1, reusable);
    }

    /** A body that ends when the upstream closes the connection, which therefore is never reused. */
    static UpstreamBodyStream untilClose(UpstreamConnection connection) {
        return new UpstreamBodyStream(connection, null, -1, false);
    }

    UpstreamConnection connection() {
        return connection;
    }

    /** Calls {@code end} once the body has ended (now, if it already has). */
    void onEnd(BodyEnd end) {
        this.end = end;
        if (done) {
            reportEnd();
        }
    }

    /** @return whether this call ended the body (the first to) */
    private boolean end() {
        return DONE.compareAndSet(this, false, true);
    }

    private void reportEnd() {
        BodyEnd listener = end;
        if (listener != null && endReported.compareAndSet(false, true)) {
            listener.ended(fault);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (done) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        try {
            if (chunks != null) {
                int n = chunks.read(buffer, offset, length);
                if (n == -1) {
                    finish();
                }
                return n;
            }
            if (remaining < 0) {
                return readUntilClose(buffer, offset, length);
            }
            reader.ensureAvailable();
            int n = (int) Math.min(Math.min(length, reader.available()), remaining);
            reader.readBuffer(n).read(buffer, offset, n);
            remaining -= n;
            if (remaining == 0) {
                finish();
            }
            return n;
        } catch (DataReader.InsufficientDataAvailableException e) {
            throw broken(new IOException("upstream closed the connection in the middle of the body"));
        } catch (UncheckedIOException e) {
            throw broken(e.getCause());
        } catch (BadResponseException e) {
            throw broken(e);
        } catch (RuntimeException e) {
            throw broken(new IOException("invalid response body: " + e.getClass().getSimpleName(), e));
        }
    }

    private int readUntilClose(byte[] buffer, int offset, int length) {
        try {
            reader.ensureAvailable();
        } catch (DataReader.InsufficientDataAvailableException e) {
            if (end()) {
                connection.close();
                reportEnd();
            }
            return -1;
        }
        int n = Math.min(length, reader.available());
        reader.readBuffer(n).read(buffer, offset, n);
        return n;
    }

    private void finish() {
        if (!end()) {
            return; // closed meanwhile, and so is the connection
        }
        if (reusable) {
            connection.release(); // closes instead when bytes beyond the body are waiting
        } else {
            connection.close();
        }
        reportEnd();
    }

    private IOException broken(IOException cause) {
        if (end()) {
            fault = cause;
            connection.close();
            reportEnd();
        }
        return cause;
    }

    /**
     * Drops the rest of the body: the connection is closed, and nothing is held against the upstream. May be called
     * from another thread than the reader's: a read waiting for the upstream then fails at once, and is not the
     * upstream's fault.
     */
    @Override
    public void close() {
        if (end()) {
            connection.close();
            reportEnd();
        }
    }
}
