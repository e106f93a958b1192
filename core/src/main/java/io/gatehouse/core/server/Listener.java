package io.gatehouse.core.server;

import io.gatehouse.core.config.ServerConfig;
import io.gatehouse.core.config.TimeoutsConfig;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's HTTP/1 protocol on Helidon's listener: Helidon accepts sockets (and will negotiate TLS), every
 * connection is then served by a {@link ClientConnection}, which parses and frames HTTP itself. Holds what all
 * connections of the listener share: limits, timeouts, the parser, the watchdog and the request handler.
 */
final class Listener implements ServerConnectionSelector, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    private static final long REFUSAL_LOG_INTERVAL_NANOS = 10_000_000_000L;
    /** Streams are ended this long before a drain's deadline, so that their last chunk can still go out. */
    private static final long STREAM_END_MARGIN_NANOS = 1_000_000_000L;
    private static final long DRAIN_POLL_MILLIS = 20;

    private final RequestHeadParser parser;
    private final ProxyHandler handler;
    private final ConnectionWatchdog watchdog = new ConnectionWatchdog();
    private final ConnectionLimits connections;
    private final TimeoutsConfig timeouts;
    private final long maxBodySize;
    private final int maxHeaderSize;
    private final Set<ClientConnection> active = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean draining;
    private volatile long drainDeadline;
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS);

    Listener(ServerConfig config, ProxyHandler handler, int maxConnections) {
        this.parser = new RequestHeadParser(config.limits().maxRequestLine().bytes(),
                config.limits().maxHeaderSize().bytes());
        this.handler = handler;
        this.connections = new ConnectionLimits(maxConnections, config.limits().maxConnectionsPerIp());
        this.timeouts = config.timeouts();
        this.maxBodySize = config.limits().maxBodySize().bytes();
        this.maxHeaderSize = (int) Math.min(Integer.MAX_VALUE, config.limits().maxHeaderSize().bytes());
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
        return Set.of("http/1.1");
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new ClientConnection(ctx, this);
    }

    /** A connection over a cap was closed at once; logged at most every 10 seconds, with the count. */
    void refusedConnection(String ip) {
        long count = refused.incrementAndGet();
        long last = lastRefusalLog.get();
        long now = System.nanoTime();
        if (now - last >= REFUSAL_LOG_INTERVAL_NANOS && lastRefusalLog.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, "closed {0} client connection(s) over the connection limits so far (last from "
                    + "{1}; {2} open; server.limits: at most {3}, {4} per address)", count, ip, connections.open(),
                    connections.max(), connections.maxPerIp());
        }
    }

    RequestHeadParser parser() {
        return parser;
    }

    ProxyHandler handler() {
        return handler;
    }

    ConnectionWatchdog watchdog() {
        return watchdog;
    }

    ConnectionLimits connections() {
        return connections;
    }

    /** The connections being served now (past the connection limits). */
    Set<ClientConnection> active() {
        return active;
    }

    /**
     * Waits for the connections to end once the listener has stopped accepting and asked each to close after its
     * current response (Helidon's stop does both). A little before {@code deadline} every stream of unknown length
     * still being sent is ended cleanly ({@link ClientConnection#endStream}); at {@code deadline} what is left is
     * closed.
     *
     * @param deadline when the drain ends ({@link System#nanoTime()})
     */
    void drain(long deadline) throws InterruptedException {
        startDrain(deadline);
        long left = deadline - System.nanoTime();
        long streamsEnd = deadline - Math.min(STREAM_END_MARGIN_NANOS, Math.max(0, left) / 5);
        if (!awaitIdle(streamsEnd)) {
            long ended = active.stream().filter(ClientConnection::endStream).count();
            LOG.log(Level.INFO, "drain: ended {0} open stream(s); {1} connection(s) still busy", ended,
                    active.size());
            if (!awaitIdle(deadline)) {
                LOG.log(Level.WARNING, "drain: closing {0} connection(s) still busy at the end of the drain time "
                        + "(server.shutdown.drain_timeout)", active.size());
                active.forEach(ClientConnection::abort);
            }
        }
    }

    private boolean awaitIdle(long until) throws InterruptedException {
        while (!active.isEmpty() && until - System.nanoTime() > 0) {
            Thread.sleep(DRAIN_POLL_MILLIS);
        }
        return active.isEmpty();
    }

    /** Marks the drain as begun, before Helidon's stop asks the connections to close. */
    void startDrain(long deadline) {
        drainDeadline = deadline;
        draining = true;
    }

    /**
     * @return whether a drain is under way and its deadline has not passed: HTTP/2 connections asked to close wait
     * for their streams until then
     */
    boolean draining() {
        return draining && drainDeadline - System.nanoTime() > 0;
    }

    TimeoutsConfig timeouts() {
        return timeouts;
    }

    long maxBodySize() {
        return maxBodySize;
    }

    int maxHeaderSize() {
        return maxHeaderSize;
    }

    @Override
    public void close() {
        watchdog.close();
    }
}
