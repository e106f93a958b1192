package io.gatehouse.core.server;

import io.gatehouse.core.config.Http2Config;
import io.gatehouse.core.config.ServerConfig;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http2.Http2ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP/2 beside the gateway's own HTTP/1 on the public listener. Helidon hands every connection to this one
 * selector, which picks the protocol itself: {@code h2} negotiated through ALPN on TLS goes to Helidon's HTTP/2
 * connection at once; otherwise the client's first bytes decide, the HTTP/2 connection preface meaning prior
 * knowledge (h2c) and anything else HTTP/1.
 *
 * <p>Why not register Helidon's HTTP/2 selector next to {@link Listener} and let Helidon choose: its choice waits for
 * the first bytes with no timeout of ours and before the connection limits are applied, and needs more than the
 * 24 bytes of the preface before the HTTP/2 selector answers at all. Here the wait runs under
 * {@code server.timeouts.request_head} (as HTTP/1's wait for a first request does), the connection limits are
 * applied first (an over-limit connection is still closed at once), and an HTTP/1 client is handed over as soon as
 * a byte differs from the preface: its first byte, unless its method starts with {@code P}.
 */
final class Http2Listener implements ServerConnectionSelector {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /**
     * GOAWAY NO_ERROR naming the highest stream id there is as the last one the gateway may act on: a request racing
     * the idle close is failed, never retried by the client on another connection as if it had not been served.
     */
    private static final byte[] IDLE_GOAWAY = {0, 0, 8, 0x7, 0, 0, 0, 0, 0, 0x7F, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, 0, 0, 0, 0};

    private final Listener http1;
    private final ServerConnectionSelector http2;
    private final Http2Exchange streams;
    /** The HTTP/2 connections open, by the client's address and port: how a stream finds its connection. */
    private final Map<String, Opening> connections = new ConcurrentHashMap<>();

    private Http2Listener(Listener http1, ServerConnectionSelector http2, ServerConfig config) {
        this.http1 = http1;
        this.http2 = http2;
        this.streams = new Http2Exchange(http1, config.limits().maxRequestLine().bytes(),
                config.http2().maxHeaderListSize(config.limits()), this);
    }

    /** @return the listener's HTTP/2 side, or {@code null} when {@code server.http2.enabled} is false */
    static Http2Listener of(Listener http1, ServerConfig config) {
        Http2Config http2 = config.http2();
        if (!http2.enabled()) {
            return null;
        }
        return new Http2Listener(http1, Http2ConnectionSelector.builder()
                .http2Config(io.helidon.webserver.http2.Http2Config.builder()
                        .maxConcurrentStreams(SettingsWriter.enforced(http2.maxConcurrentStreams()))
                        .maxHeaderListSize(http2.maxHeaderListSize(config.limits()))
                        .initialWindowSize((int) http2.initialWindowSize().bytes())
                        .maxFrameSize((int) http2.maxFrameSize().bytes())
                        .maxRapidResets(http2.maxRapidResets())
                        // the target is checked by the gateway, which answers a bad one with a problem document
                        .validatePath(false)
                        // a client that stops granting window for this long is not served on
                        .flowControlTimeout(config.timeouts().write())
                        .build())
                .build(), config);
    }

    /** @return the routing handler that serves the streams of the HTTP/2 connections */
    Http2Exchange streams() {
        return streams;
    }

    /**
     * A stream of an HTTP/2 connection starts: the connection is busy, and the calling thread is interrupted if the
     * client resets the stream, until {@link Busy#close()}.
     */
    Busy streamStarted(PeerInfo client, int stream) {
        Opening connection = connections.get(key(client));
        if (connection == null) {
            return new Busy(null, null, stream, true);
        }
        connection.streams.incrementAndGet();
        StreamResets resets = connection.context == null ? null : connection.context.resets();
        return new Busy(connection, resets, stream, resets == null || resets.serving(stream));
    }

    /** A stream's hold on its connection, and its watch for the client's reset. */
    static final class Busy implements AutoCloseable {
        private final Opening connection;
        private final StreamResets resets;
        private final int stream;
        private final boolean present;

        private Busy(Opening connection, StreamResets resets, int stream, boolean present) {
            this.connection = connection;
            this.resets = resets;
            this.stream = stream;
            this.present = present;
        }

        /** @return whether the client had reset the stream (or closed its connection) before it was served */
        boolean resetEarly() {
            return !present;
        }

        /** @return whether the client has reset the stream (or closed its connection) by now */
        boolean reset() {
            return !present || (resets != null && resets.wasReset(stream));
        }

        @Override
        public void close() {
            if (resets != null) {
                resets.done(stream);
            }
            if (connection != null) {
                connection.lastActive = System.nanoTime();
                connection.streams.decrementAndGet();
            }
        }
    }

    private static String key(PeerInfo client) {
        return client.address().toString();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of("h2", "http/1.1");
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new Opening(ctx);
    }

    /** A connection until its protocol is known; then the connection of that protocol. */
    private final class Opening implements ServerConnection {
        private final ConnectionContext ctx;
        private final String address;
        private volatile ServerConnection chosen;
        private volatile boolean http2Chosen;
        private volatile boolean closing;
        private volatile boolean closeDeferred;
        private final AtomicInteger streams = new AtomicInteger();
        private volatile long lastActive = System.nanoTime();
        private volatile Http2Context context;

        Opening(ConnectionContext ctx) {
            this.ctx = ctx;
            this.address = ctx.remotePeer().host();
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            String alpn = ctx.serverSocket().protocolNegotiated() ? ctx.serverSocket().protocol() : "";
            if (alpn.equals("http/1.1")) {
                serveHttp1(limit);
                return;
            }
            ConnectionLimits limits = http1.connections();
            if (!limits.open(address)) {
                http1.refusedConnection(address);
                return;
            }
            boolean counted = true;
            try {
                Boolean prefaced = alpn.equals("h2") ? Boolean.TRUE : startsWithPreface();
                if (prefaced == null || closing) {
                    return;
                }
                if (!prefaced) {
                    // the HTTP/1 connection counts itself
                    limits.close(address);
                    counted = false;
                    serveHttp1(limit);
                    return;
                }
                context = new Http2Context(ctx);
                ServerConnection connection = http2.connection(context);
                chosen = connection;
                http2Chosen = true;
                String key = key(ctx.remotePeer());
                connections.put(key, this);
                try {
                    connection.handle(limit);
                } finally {
                    connections.remove(key, this);
                }
            } finally {
                if (counted) {
                    limits.close(address);
                }
            }
        }

        private void serveHttp1(Limit limit) throws InterruptedException {
            ServerConnection connection = new ClientConnection(ctx, http1);
            chosen = connection;
            if (closing) {
                connection.close(false);
            }
            connection.handle(limit);
        }

        /**
         * Waits for the client's first bytes, at most the request head timeout, without consuming them.
         *
         * @return whether they are the HTTP/2 preface; {@code null} if the client closed or sent nothing in time
         */
        private Boolean startsWithPreface() {
            ConnectionWatchdog.Deadline deadline = http1.watchdog().register(this::closeSocket);
            try {
                deadline.arm("idle", http1.timeouts().requestHead().toNanos());
                DataReader reader = ctx.dataReader();
                reader.ensureAvailable();
                while (true) {
                    int n = Math.min(reader.available(), PREFACE.length);
                    BufferData seen = reader.getBuffer(n);
                    for (int i = 0; i < n; i++) {
                        if (seen.read() != (PREFACE[i] & 0xFF)) {
                            return false;
                        }
                    }
                    if (n == PREFACE.length) {
                        return true;
                    }
                    reader.pullData();
                }
            } catch (RuntimeException e) {
                return null; // the client closed, or stayed silent past the timeout
            } finally {
                http1.watchdog().unregister(deadline);
            }
        }

        private void closeSocket() {
            ctx.serverSocket().close();
        }

        /**
         * Helidon closes connections idle for {@code keep_alive_idle}: an HTTP/2 connection only while none of its
         * streams is being served (a long download or event stream is not idle; Helidon's own notion counts streams
         * it has not yet forgotten, and would keep it open for good); HTTP/1 and the wait for the first bytes keep
         * their own timeouts.
         */
        @Override
        public Duration idleTime() {
            if (!http2Chosen || streams.get() > 0) {
                return Duration.ZERO;
            }
            return Duration.ofNanos(System.nanoTime() - lastActive);
        }

        /** Closes the HTTP/2 connection once its streams have ended, or at the drain's deadline. */
        private void closeWhenIdle(ServerConnection connection) {
            try {
                while (streams.get() > 0 && http1.draining()) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (streams.get() == 0) {
                closeIdle(connection);
            } else {
                connection.close(true); // the drain's time is up
            }
        }

        /**
         * Helidon's stop closes every connection with {@code interrupt}; the HTTP/1 side only closes idle ones and
         * lets a request in flight finish. An HTTP/2 connection serving streams while the gateway drains is closed
         * the same way: once its streams have ended (or at the drain's deadline), not under them.
         */
        @Override
        public void close(boolean interrupt) {
            closing = true;
            ServerConnection connection = chosen;
            if (connection == null) {
                closeSocket();
            } else if (http2Chosen && http1.draining() && streams.get() > 0) {
                if (!closeDeferred) {
                    closeDeferred = true;
                    Thread.ofVirtual().name("gatehouse-h2-drain").start(() -> closeWhenIdle(connection));
                }
            } else if (http2Chosen && (!interrupt || http1.draining()) && streams.get() == 0) {
                closeIdle(connection);
            } else {
                connection.close(interrupt);
            }
        }

        /** An HTTP/2 connection serving no stream: Helidon's side would only notice at the client's next frame. */
        private void closeIdle(ServerConnection connection) {
            connection.close(false);
            try {
                ctx.dataWriter().writeNow(BufferData.create(IDLE_GOAWAY));
            } catch (RuntimeException e) {
                // the client is gone already
            }
            closeSocket();
        }
    }
}
