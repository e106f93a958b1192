package io.gatehouse.core.upstream;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.webclient.api.TcpClientConnection;

import java.time.Duration;

/**
 * One keep-alive TCP connection to an endpoint, owned by one request at a time. Its reader and writer are
 * Helidon's; the HTTP/1.1 framing on top is the proxy's.
 */
public final class UpstreamConnection {

    private final TcpClientConnection connection;
    private final ConnectionPool pool;
    private final String poolKey;
    private long lastUsedNanos;
    private long readTimeoutMillis = -1;
    private boolean reused;

    UpstreamConnection(TcpClientConnection connection, ConnectionPool pool, String poolKey) {
        this.connection = connection;
        this.pool = pool;
        this.poolKey = poolKey;
    }

    public DataReader reader() {
        return connection.reader();
    }

    public DataWriter writer() {
        return connection.writer();
    }

    /** Sets the socket read timeout (a syscall, so only when it changes). */
    public void readTimeout(Duration timeout) {
        long millis = timeout.toMillis();
        if (millis != readTimeoutMillis) {
            connection.readTimeout(timeout);
            readTimeoutMillis = millis;
        }
    }

    /** @return whether this connection served an earlier request (and so may have been closed by the peer since) */
    public boolean reused() {
        return reused;
    }

    /**
     * Gives the connection back for another request; call only after a complete, keep-alive exchange. A connection
     * whose reader still holds bytes is closed instead: the upstream sent more than the response it answered with,
     * and those bytes must never be taken for the answer to someone else's request.
     */
    public void release() {
        lastUsedNanos = System.nanoTime();
        reused = true;
        if (connection.reader().available() > 0 || !pool.offer(poolKey, this)) {
            close();
        }
    }

    /** Closes the connection; it is never reused. */
    public void close() {
        connection.closeResource();
    }

    long idleNanos(long now) {
        return now - lastUsedNanos;
    }
}
