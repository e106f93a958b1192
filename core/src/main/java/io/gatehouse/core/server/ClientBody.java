package io.gatehouse.core.server;

import io.gatehouse.core.error.ClientBodyException;
import io.helidon.common.buffers.DataReader;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request body read straight off the client connection, framed as {@link RequestFraming} decided. Every failure
 * is a {@link ClientBodyException}, because it is the client's: a malformed body (400), a body that stalls past the
 * idle timeout (408), one over the limit (413), or a client that went away (499).
 */
abstract sealed class ClientBody extends InputStream permits ClientBody.Fixed, ChunkedBody {

    /** What the body needs from its connection. */
    interface Connection {
        /** Before blocking for body bytes: sends {@code 100 Continue} if the client waits for it; arms the timeout. */
        void beforeRead();

        /** After body bytes arrived: disarms the timeout. */
        void afterRead();

        /** @return the timeout phase that closed the connection, or {@code null} */
        String expired();
    }

    protected final DataReader reader;
    protected final Connection connection;
    private boolean complete;
    private ClientBodyException failure;
    private long bytesRead;

    ClientBody(DataReader reader, Connection connection) {
        this.reader = reader;
        this.connection = connection;
    }

    /** @return whether the body was read to its end, so that the connection is positioned at the next request */
    final boolean complete() {
        return complete || (failure == null && allRead());
    }

    /** Whether every byte of the body was read, even if the reader has not yet been told the end (-1). */
    protected boolean allRead() {
        return false;
    }

    /** @return the body bytes read so far (decoded: without chunk framing) */
    final long bytesRead() {
        return bytesRead;
    }

    /** @return the failure that ended the body early, or {@code null} */
    final ClientBodyException failure() {
        return failure;
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public final int read(byte[] buffer, int offset, int length) throws IOException {
        if (complete) {
            return -1;
        }
        if (failure != null) {
            throw failure;
        }
        if (length == 0) {
            return 0;
        }
        connection.beforeRead();
        try {
            int n = readBody(buffer, offset, length);
            if (n < 0) {
                complete = true;
            } else {
                bytesRead += n;
            }
            return n;
        } catch (ClientBodyException e) {
            throw fail(e);
        } catch (WireException e) {
            throw fail(new ClientBodyException(e.status(), "bad_request_body", e.getMessage()));
        } catch (RuntimeException e) {
            // end of stream, a reset, or the watchdog closing the socket
            String expired = connection.expired();
            throw fail(expired != null
                    ? new ClientBodyException(408, "body_timeout", "the client sent no body bytes for too long", e)
                    : ClientBodyException.aborted(e));
        } finally {
            connection.afterRead();
        }
    }

    private ClientBodyException fail(ClientBodyException e) {
        failure = e;
        return e;
    }

    /** Reads body bytes into the buffer; -1 at the end of the body. */
    protected abstract int readBody(byte[] buffer, int offset, int length) throws ClientBodyException;

    /** Copies up to {@code max} available bytes (at least one, blocking for it). */
    protected final int copy(byte[] buffer, int offset, int max) {
        reader.ensureAvailable();
        int n = Math.min(max, reader.available());
        reader.readBuffer(n).read(buffer, offset, n);
        return n;
    }

    /** A body of a declared Content-Length. */
    static final class Fixed extends ClientBody {
        private long remaining;

        Fixed(DataReader reader, Connection connection, long length) {
            super(reader, connection);
            this.remaining = length;
        }

        @Override
        protected int readBody(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = copy(buffer, offset, (int) Math.min(length, remaining));
            remaining -= n;
            return n;
        }

        @Override
        protected boolean allRead() {
            return remaining == 0;
        }

        @Override
        public int available() {
            return (int) Math.min(remaining, reader.available());
        }
    }
}
