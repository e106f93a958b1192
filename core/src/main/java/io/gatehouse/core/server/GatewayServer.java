package io.gatehouse.core.server;

import io.gatehouse.core.config.ServerConfig;
import io.gatehouse.core.generation.GenerationHolder;
import io.gatehouse.core.tls.ServerTls;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The public listener. Helidon accepts the sockets; the gateway's own {@link Listener} speaks HTTP on them.
 *
 * <p>Helidon's accept loop ends for good on an accept error such as running out of file descriptors. Two things
 * keep the data port alive: the connection cap is kept below the descriptor limit, so client connections alone
 * cannot exhaust it; and should the listener stop anyway, it is started again on the same port (with back-off)
 * while {@link #listening()} says it is down, which the admin API's {@code /health} and {@code /ready} report.
 */
public final class GatewayServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GatewayServer.class.getName());
    /** Descriptors left for upstream connections, plugins, scripts and logs beyond those open at start. */
    private static final int DESCRIPTOR_RESERVE = 128;
    private static final long MAX_BACKOFF_MILLIS = 2000;
    /** What {@link #close()} gives requests in flight. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final ServerConfig config;
    private final Listener listener;
    private final int connectionCap;
    private ServerTls tls;
    private volatile WebServer server;
    private volatile boolean listening;
    private volatile boolean closed;
    private final ReentrantLock stopping = new ReentrantLock();
    private int port;

    private GatewayServer(ServerConfig config, Listener listener, int connectionCap) {
        this.config = config;
        this.listener = listener;
        this.connectionCap = connectionCap;
    }

    /**
     * Binds and starts the listener, with TLS when {@code server.tls} is set.
     *
     * @param home the gateway home, which {@code server.tls} paths are relative to
     * @throws CannotListenException if the port cannot be bound
     */
    public static GatewayServer start(ServerConfig config, GenerationHolder generations, Path home) {
        int cap = connectionCap(config.limits().maxConnections());
        GatewayServer gateway = new GatewayServer(config, new Listener(config,
                new ProxyHandler(generations, config.limits().maxConcurrentRequests()), cap),
                cap);
        gateway.port = config.port();
        gateway.tls = config.tls() == null ? null
                : ServerTls.start(config.tls(), home, config.timeouts().requestHead());
        try {
            gateway.bind();
        } catch (RuntimeException e) {
            if (gateway.tls != null) {
                gateway.tls.close();
            }
            throw e;
        }
        return gateway;
    }

    private void bind() {
        CannotListenException.checkBindable(config.host(), port);
        Http2Listener http2 = Http2Listener.of(listener, config);
        WebServer started = WebServer.builder()
                .host(config.host())
                .port(port)
                .shutdownHook(false)
                // a backstop only: drain() ends what is left at its own deadline
                .shutdownGracePeriod(config.shutdown().drainTimeout().plus(CLOSE_GRACE))
                .backlog(4096)
                // a hard stop a little above the cap: connections between the two are closed at once by the
                // Listener, beyond it Helidon stops accepting until one ends
                .maxTcpConnections(connectionCap + Math.max(16, connectionCap / 10))
                .protocolsDiscoverServices(false)
                .protocols(List.of())
                .addConnectionSelector(http2 == null ? listener : http2)
                // responses go out as they are written: HTTP/2 writes a HEADERS and a DATA frame apart, which Nagle's
                // algorithm and the client's delayed ACK would hold ~40 ms each
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                // bodies pass through as they are: Helidon must not decode or encode them on HTTP/2 streams
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .update(builder -> {
                    if (tls != null) {
                        builder.tls(tls.tls());
                    }
                    if (http2 != null) { // HTTP/2 connections serving no stream close after keep_alive_idle
                        builder.idleConnectionTimeout(config.timeouts().keepAliveIdle())
                                .idleConnectionPeriod(idleCheckPeriod(config.timeouts().keepAliveIdle()));
                    }
                })
                .routing(routing -> {
                    if (http2 != null) {
                        routing.any(http2.streams());
                    }
                    routing.any(new StopWatch());
                })
                .build()
                .start();
        CannotListenException.check(started, config.host(), port);
        server = started;
        port = started.port();
        listening = true;
    }

    private static Duration idleCheckPeriod(Duration idle) {
        Duration quarter = idle.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : quarter.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : quarter;
    }

    /** @return the client connections open now */
    public int openConnections() {
        return listener.connections().open();
    }

    /**
     * The connection cap: the configured one, lowered to fit the process's descriptor limit with room for
     * everything else the gateway opens.
     */
    static int connectionCap(int configured) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long limit = os.getMaxFileDescriptorCount();
            long available = limit - os.getOpenFileDescriptorCount() - Math.max(DESCRIPTOR_RESERVE, limit / 10);
            int cap = (int) Math.max(1, Math.min(configured, available));
            LOG.log(Level.INFO, "file descriptor limit {0}; at most {1} client connections", limit, cap);
            if (cap < configured) {
                LOG.log(Level.WARNING, "server.limits.max_connections {0} lowered to {1} to fit the file descriptor "
                        + "limit ({2}); raise it with ulimit -n", configured, cap, limit);
            }
            return cap;
        }
        return configured;
    }

    /** Helidon tells every routing when a listener stops: if that was not us, bring the listener back. */
    private final class StopWatch implements Handler {
        @Override
        public void handle(ServerRequest req, ServerResponse res) {
            res.status(404).send();
        }

        @Override
        public void afterStop() {
            listening = false;
            if (!closed) {
                LOG.log(Level.ERROR, "the listener on port {0} stopped; restarting it", port);
                Thread.ofVirtual().name("gatehouse-listener-restart").start(GatewayServer.this::rebind);
            }
        }
    }

    private void rebind() {
        long backoff = 50;
        while (!closed) {
            try {
                bind();
                LOG.log(Level.INFO, "the listener on port {0} accepts connections again", port);
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "restarting the listener on port {0} failed ({1}); retrying", port,
                        e.getMessage());
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    public int port() {
        return port;
    }

    /** @return whether the listener speaks TLS ({@code server.tls}) */
    public boolean secure() {
        return tls != null;
    }

    /** @return whether the listener is accepting connections */
    public boolean listening() {
        return listening && !closed;
    }

    /** Stops, giving requests in flight a few seconds ({@link #drain} for a graceful shutdown). */
    @Override
    public void close() {
        drain(CLOSE_GRACE);
    }

    /**
     * Stops gracefully: stops accepting connections at once (connecting to the port is refused), closes the idle
     * ones, lets every request in flight finish (its response says {@code Connection: close}), ends the streams of
     * unknown length still open a little before {@code limit}, and at {@code limit} closes whatever is left.
     * Returns when every connection has ended. Only the first call drains; a later one waits for it to finish.
     */
    public void drain(Duration limit) {
        stopping.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            listening = false;
            long deadline = System.nanoTime() + limit.toNanos();
            // Helidon's stop closes the server socket, asks every connection to close after its current response,
            // then waits for them: it runs beside the drain, which ends them by the deadline
            listener.startDrain(deadline);
            Thread stop = Thread.ofVirtual().name("gatehouse-listener-stop").start(server::stop);
            try {
                listener.drain(deadline);
                // Helidon's stop returns when every connection has ended: HTTP/2 ones close once their streams
                // have, or at the deadline (Http2Listener)
                stop.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).plus(CLOSE_GRACE));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listener.close();
            if (tls != null) {
                tls.close();
            }
        } finally {
            stopping.unlock();
        }
    }
}
