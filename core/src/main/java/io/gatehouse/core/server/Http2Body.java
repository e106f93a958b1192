package io.gatehouse.core.server;

import io.gatehouse.core.error.ClientBodyException;

import java.io.IOException;
import java.io.InputStream;

/**
 * The request body of an HTTP/2 stream, held to the limits an HTTP/1 body meets on the wire: no more than
 * {@code server.limits.max_body_size} (413), exactly its {@code content-length} when it declared one (400), the next
 * bytes within {@code server.timeouts.body_idle} (408). Every failure is a {@link ClientBodyException}: the client's.
 *
 * <p>A stalled stream cannot be closed without the connection it shares with other streams; the timeout interrupts
 * the reading thread instead, and since Helidon then reports the end of the body, the flag set first turns that end
 * into the 408 it is. A gRPC stream has no idle timeout ({@code idleNanos} 0): a streaming call may be quiet for
 * long, and its deadline bounds it.
 *
 * <p>Reads are synchronized: a transport may read the body on a thread of its own (a gRPC call's messages) while the
 * request's thread drains what is left after the response.
 */
final class Http2Body extends InputStream {

    private final InputStream in;
    private final long declared;
    private final long max;
    private final ConnectionWatchdog watchdog;
    private final long idleNanos;
    private int peeked = -1;
    private volatile long bytesRead;
    private volatile boolean ended;
    private volatile ClientBodyException failure;
    private volatile boolean timedOut;

    Http2Body(InputStream in, long declared, long max, ConnectionWatchdog watchdog, long idleNanos) {
        this.in = in;
        this.declared = declared;
        this.max = max;
        this.watchdog = watchdog;
        this.idleNanos = idleNanos;
    }

    /** Reads the first byte ahead (kept for the reader): @return whether the body is empty */
    synchronized boolean peekEnd() {
        try {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            if (n < 0) {
                return true;
            }
            peeked = one[0] & 0xFF;
            bytesRead--;
            return false;
        } catch (IOException e) {
            return false; // the failure is kept and thrown to whoever reads the body
        }
    }

    long bytesRead() {
        return bytesRead;
    }

    /** @return whether the body was read to its end (or closed) */
    boolean ended() {
        return ended;
    }

    ClientBodyException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        if (peeked >= 0) {
            buffer[offset] = (byte) peeked;
            peeked = -1;
            bytesRead++;
            return 1;
        }
        int n = readIn(buffer, offset, length);
        if (n < 0) {
            if (timedOut) {
                throw fail(new ClientBodyException(408, "body_timeout", "the client sent no body bytes for too long"));
            }
            if (declared >= 0 && bytesRead < declared) {
                throw fail(new ClientBodyException(400, "bad_request_body", "the request body ended after "
                        + bytesRead + " of its content-length " + declared + " bytes"));
            }
            ended = true;
            return -1;
        }
        bytesRead += n;
        if (bytesRead > max) {
            throw fail(new ClientBodyException(413, "body_too_large", "request body is larger than the limit of "
                    + max + " bytes"));
        }
        if (declared >= 0 && bytesRead > declared) {
            throw fail(new ClientBodyException(400, "bad_request_body", "the request body is longer than its "
                    + "content-length " + declared));
        }
        return n;
    }

    private int readIn(byte[] buffer, int offset, int length) throws ClientBodyException {
        if (idleNanos <= 0) {
            try {
                return in.read(buffer, offset, length);
            } catch (IOException | RuntimeException e) {
                throw fail(ClientBodyException.aborted(e));
            }
        }
        Thread reader = Thread.currentThread();
        ConnectionWatchdog.Deadline deadline = watchdog.register(() -> {
            timedOut = true;
            reader.interrupt();
        });
        try {
            deadline.arm("body", idleNanos);
            return in.read(buffer, offset, length);
        } catch (IOException | RuntimeException e) {
            // the client reset the stream, or the connection broke
            throw fail(timedOut
                    ? new ClientBodyException(408, "body_timeout", "the client sent no body bytes for too long", e)
                    : ClientBodyException.aborted(e));
        } finally {
            watchdog.unregister(deadline);
            if (timedOut) {
                Thread.interrupted(); // the interrupt was ours: do not leave it for the next blocking call
            }
        }
    }

    /**
     * After the response: reads and drops what the client still sends of a body nobody read to its end, so the
     * stream ends cleanly for a client that finishes its upload (Helidon would read it too, with no timeout). A
     * body larger than {@code maxBytes} or stalled past the idle timeout is cut off instead: the thread is
     * interrupted, which Helidon's own drain takes as the end.
     */
    synchronized void drain(long maxBytes) {
        if (ended || timedOut) {
            return;
        }
        byte[] buffer = new byte[8192];
        long dropped = 0;
        try {
            while (dropped < maxBytes) {
                int n = readIn(buffer, 0, buffer.length);
                if (n < 0) {
                    return;
                }
                dropped += n;
            }
        } catch (ClientBodyException e) {
            return;
        }
        Thread.currentThread().interrupt();
    }

    private ClientBodyException fail(ClientBodyException e) {
        failure = e;
        return e;
    }

    @Override
    public void close() {
        ended = true;
    }
}
