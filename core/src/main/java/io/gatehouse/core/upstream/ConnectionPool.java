package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.HttpClientConfig;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;

import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to the endpoints of one upstream, most recently used first.
 *
 * <p>Why not Helidon's own cache: in Helidon 4.2 a released connection is put back in the cache before it is
 * switched to idle monitoring, so another request can take it in between; the monitor then steals the first byte of
 * that request's response ("HTTP response did not contain correct status line"). Here a connection is switched to
 * idle monitoring before it becomes visible to anyone else, and the queue publishes it safely.
 */
final class ConnectionPool implements AutoCloseable {

    private static final List<String> HTTP_1_1 = List.of("http/1.1");
    private static final Tls NO_TLS = Tls.builder().enabled(false).build();

    private final WebClient webClient;
    private final HttpClientConfig config;
    private final int maxIdlePerEndpoint;
    private final Map<String, Idle> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ConnectionPool(WebClient webClient, HttpClientConfig config, int maxIdlePerEndpoint) {
        this.webClient = webClient;
        this.config = config;
        this.maxIdlePerEndpoint = maxIdlePerEndpoint;
    }

    /** A connected connection to {@code endpoint}: a live idle one, else a new one. */
    TcpClientConnection acquire(Endpoint endpoint, Duration readTimeout) {
        // Connections are pooled per read timeout too: Helidon's idle monitor keeps a connection's first timeout
        Idle queue = idle.computeIfAbsent(endpoint.id() + " " + readTimeout.toMillis(), id -> new Idle());
        TcpClientConnection connection;
        while ((connection = queue.connections.pollFirst()) != null) {
            queue.size.decrementAndGet();
            if (connection.isConnected()) {
                return connection;
            }
            connection.closeResource();
        }
        ConnectionKey key = new ConnectionKey(endpoint.url().getScheme(), endpoint.host(), endpoint.port(),
                readTimeout, "https".equals(endpoint.url().getScheme()) ? config.tls() : NO_TLS,
                config.dnsResolver(), config.dnsAddressLookup(), Proxy.noProxy());
        TcpClientConnection fresh = TcpClientConnection.create(webClient, key, HTTP_1_1,
                conn -> release(queue, conn), conn -> {
                }).connect();
        fresh.readTimeout(readTimeout);
        return fresh;
    }

    /** Called by Helidon when a response is done with its connection; {@code false} makes Helidon close it. */
    private boolean release(Idle queue, TcpClientConnection connection) {
        if (closed || !connection.isConnected()) {
            return false;
        }
        if (queue.size.incrementAndGet() > maxIdlePerEndpoint) {
            queue.size.decrementAndGet();
            return false;
        }
        connection.helidonSocket().idle();
        queue.connections.offerFirst(connection);
        if (closed) {
            closeIdle();
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        for (Idle queue : idle.values()) {
            TcpClientConnection connection;
            while ((connection = queue.connections.pollFirst()) != null) {
                queue.size.decrementAndGet();
                connection.closeResource();
            }
        }
    }

    private static final class Idle {
        private final Deque<TcpClientConnection> connections = new ConcurrentLinkedDeque<>();
        private final AtomicInteger size = new AtomicInteger();
    }
}
