package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.core.tls.UpstreamTls;
import io.gatehouse.core.wire.HeadBytes;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PlainSocket;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.socket.TlsSocket;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One keep-alive TCP connection to an endpoint, owned by one request at a time. Its reader and writer are
 * Helidon's; the HTTP/1.1 framing on top is the proxy's.
 *
 * <p>The socket belongs to a {@link SocketChannel} rather than being a plain {@link Socket} so that an idle
 * connection can be checked without blocking before it carries another request (see {@link #quiet()}): a plain
 * socket can tell "nothing to read" from "closed by the peer" only with a read that waits at least a millisecond.
 *
 * <p>Three timeouts bound an exchange ({@link #timeouts}): the response head must arrive by a deadline (every read
 * before it waits only for what is left of it, so a head that trickles in cannot stretch it); after the head each
 * read may wait the idle timeout; each write may block the write timeout. Running out of any is an
 * {@link UpstreamTimeoutException}. An event stream may have its own idle timeout, or none
 * ({@link #bodyIdleTimeout}). They are enforced by {@link UpstreamDeadlines}, not by socket timeouts: the socket's
 * reads and writes block without a timer of their own.
 */
public final class UpstreamConnection {

    private final SocketChannel channel;
    private final Socket socket;
    private final HelidonSocket helidonSocket;
    private final InputStream tlsInput;
    /** Replaced at each release: see {@link #release()}. Handed over through the pool's lock. */
    private DataReader reader;
    private final DataWriter writer;
    private final ConnectionPool pool;
    private final String poolKey;
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private final HeadBytes head = new HeadBytes();
    private final UpstreamDeadlines.Watch watch;
    private long lastUsedNanos;
    private long headDeadline;
    private long idleMillis = TimeUnit.SECONDS.toMillis(60);
    private long writeNanos = TimeUnit.SECONDS.toNanos(60);
    private boolean reused;
    private boolean retired;

    private UpstreamConnection(SocketChannel channel, HelidonSocket helidonSocket, InputStream tlsInput,
                               ConnectionPool pool, String poolKey) {
        this.channel = channel;
        this.socket = channel.socket();
        this.helidonSocket = helidonSocket;
        this.tlsInput = tlsInput;
        this.reader = new DataReader(this::read);
        this.watch = UpstreamDeadlines.watch(channel, () -> closeQuietly(channel));
        this.writer = new SocketWriter(this);
        this.pool = pool;
        this.poolKey = poolKey;
    }

    /**
     * Connects to an endpoint, with TLS when {@code tls} is given.
     *
     * @throws UncheckedIOException when the connection cannot be made (its cause says why: an
     *                              {@link javax.net.ssl.SSLException} for a failed TLS handshake)
     */
    static UpstreamConnection open(Endpoint endpoint, SocketOptions options, UpstreamTls tls, ConnectionPool pool,
                                   String poolKey) {
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (address.isUnresolved()) {
            throw new UncheckedIOException(new UnknownHostException(endpoint.host()));
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            Socket socket = channel.socket();
            options.configureSocket(socket);
            socket.connect(address, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
            String id = Integer.toHexString(System.identityHashCode(channel));
            if (tls == null) {
                return new UpstreamConnection(channel, PlainSocket.client(socket, id), null, pool, poolKey);
            }
            SSLSocket ssl = tls.wrap(socket, endpoint.host(), endpoint.port());
            // the handshake reads and writes: bounded like the connect, so a silent endpoint cannot hold it
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
            ssl.startHandshake();
            socket.setSoTimeout(0); // from now on the deadlines bound reads (UpstreamDeadlines)
            return new UpstreamConnection(channel, TlsSocket.client(ssl, id), ssl.getInputStream(), pool, poolKey);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public DataReader reader() {
        return reader;
    }

    public DataWriter writer() {
        return writer;
    }

    /** Where each request's head is written: the connection's own array, reused (one exchange at a time). */
    public HeadBytes head() {
        return head;
    }

    /**
     * Sets the timeouts of the exchange about to start.
     *
     * @param headDeadline when the response head must have arrived ({@link System#nanoTime()})
     * @param idle         after the head, the longest one read may wait
     * @param write        the longest one write may block
     */
    public void timeouts(long headDeadline, Duration idle, Duration write) {
        this.headDeadline = headDeadline;
        this.idleMillis = Math.max(1, idle.toMillis());
        this.writeNanos = write.toNanos();
    }

    /** Time the gateway spent on something that is not the upstream's to answer for; the head may come later. */
    public void postponeHead(long nanos) {
        if (headDeadline != 0) {
            headDeadline += nanos;
        }
    }

    /** The head has arrived: from now on each read waits at most the idle timeout. */
    public void headArrived() {
        headDeadline = 0;
    }

    /**
     * Replaces the idle timeout for the rest of this exchange's body (an event stream's own), or lifts it.
     *
     * @param idle the longest one read may wait, or {@code null} for no limit
     */
    public void bodyIdleTimeout(Duration idle) {
        idleMillis = idle == null ? 0 : Math.max(1, idle.toMillis());
    }

    /** Reads the next bytes from the socket, waiting no longer than the phase allows. */
    private byte[] read() {
        if (headDeadline != 0) {
            if (headDeadline - System.nanoTime() <= 0) {
                throw new UncheckedIOException(headTimeout());
            }
            watch.armRead(UpstreamTimeoutException.Phase.HEAD, headDeadline);
        } else if (idleMillis == 0) {
            watch.disarmRead(); // an event stream's read may wait as long as it takes
        } else {
            watch.armRead(UpstreamTimeoutException.Phase.BODY,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idleMillis));
        }
        byte[] bytes;
        try {
            bytes = helidonSocket.get();
        } catch (RuntimeException e) {
            throw watch.expired() != null ? new UncheckedIOException(timeout(watch.expired())) : e;
        } finally {
            watch.disarmRead();
        }
        if (bytes == null && watch.expired() != null) {
            throw new UncheckedIOException(timeout(watch.expired()));
        }
        return bytes;
    }

    private UpstreamTimeoutException timeout(UpstreamTimeoutException.Phase phase) {
        return switch (phase) {
            case HEAD -> headTimeout();
            case BODY -> new UpstreamTimeoutException(phase, "no bytes of the response body for " + idleMillis
                    + " ms");
            case WRITE -> new UpstreamTimeoutException(phase, "a write of the request blocked for "
                    + TimeUnit.NANOSECONDS.toMillis(writeNanos) + " ms");
        };
    }

    private static UpstreamTimeoutException headTimeout() {
        return new UpstreamTimeoutException(UpstreamTimeoutException.Phase.HEAD, "no response head by the deadline");
    }

    private void write(BufferData buffer) {
        watch.armWrite(writeNanos);
        try {
            helidonSocket.write(buffer);
        } catch (RuntimeException e) {
            if (watch.expired() != null) {
                throw new UncheckedIOException(timeout(UpstreamTimeoutException.Phase.WRITE));
            }
            throw refusedHandshake(e);
        } finally {
            watch.disarmWrite();
        }
    }

    /**
     * In TLS 1.3 a server checks the client's certificate after the client's side of the handshake is done: a refusal
     * ({@code certificate_required}, {@code bad_certificate}) is an alert the first read gets, and the first write
     * may meet the closed connection before that. On a new TLS connection the alert is read, so the failure says TLS
     * rather than "broken pipe".
     */
    private RuntimeException refusedHandshake(RuntimeException writeFailure) {
        if (tlsInput == null || reused) {
            return writeFailure;
        }
        try {
            socket.setSoTimeout(100);
            tlsInput.read();
        } catch (javax.net.ssl.SSLException alert) {
            return new UncheckedIOException(alert);
        } catch (IOException | RuntimeException e) {
            // no alert to read
        }
        // the connection is done with: the failure is what the caller gets
        return writeFailure;
    }

    /** Turns Nagle's algorithm off (for a WebSocket tunnel, whose small frames must not wait for an ACK). */
    public void noDelay() {
        try {
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            // the connection works either way, only later
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
        if (retired || reader.available() > 0) {
            close();
            return;
        }
        // A fresh reader for the next exchange. Helidon's reader drops a consumed buffer node without clearing its
        // link to the next one, so a node that lived through a young collection (the one a connection waits on)
        // keeps every later node of that reader alive from the old generation until a full collection: under load
        // the old generation filled with read buffers at megabytes a second. A reader per exchange ends the chain.
        reader = new DataReader(this::read);
        if (!pool.offer(poolKey, this)) {
            close();
        }
    }

    /** Marks the connection as not to be reused: {@link #release()} closes it instead of pooling it. */
    public void retire() {
        retired = true;
    }

    /** Closes the connection; it is never reused. */
    public void close() {
        watch.close();
        try {
            helidonSocket.close();
        } catch (RuntimeException e) {
            closeQuietly(channel);
        }
    }

    /**
     * Whether an idle connection may carry a request: nothing arrived since its last response and the upstream has
     * not closed it. Any byte waiting was sent outside of an exchange; the end of the stream means the request would
     * only meet a dead connection. Never blocks.
     */
    boolean quiet() {
        if (reader.available() > 0) {
            return false;
        }
        try {
            if (tlsInput != null && tlsInput.available() > 0) {
                return false;
            }
            channel.configureBlocking(false);
            try {
                probe.clear();
                return channel.read(probe) == 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    long idleNanos(long now) {
        return now - lastUsedNanos;
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Writes straight to the socket, as Helidon's own client connection does, each write bounded in time. */
    private record SocketWriter(UpstreamConnection connection) implements DataWriter {

        @Override
        public void write(BufferData... buffers) {
            writeNow(buffers);
        }

        @Override
        public void write(BufferData buffer) {
            writeNow(buffer);
        }

        @Override
        public void writeNow(BufferData... buffers) {
            for (BufferData buffer : buffers) {
                writeNow(buffer);
            }
        }

        @Override
        public void writeNow(BufferData buffer) {
            connection.write(buffer);
        }
    }
}
