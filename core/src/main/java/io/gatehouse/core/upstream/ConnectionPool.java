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
 * <p>No thread watches idle connections (Helidon 4.2's cache does, with a race that lets the watcher steal the
 * first byte of a reused connection's response, and at the cost of a thread hand-off per request). Instead a
 * connection idle for longer than {@code maxIdle} is dropped rather than reused, which stays below common server
 * keep-alive timeouts, and the proxy retries a replayable request once on a fresh connection when a reused one
 * turns out to be dead before any answer.
 */
final class ConnectionPool implements AutoCloseable {

    private static final List<String> HTTP_1_1 = List.of("http/1.1");
    private static final Tls NO_TLS = Tls.builder().enabled(false).build();

    private final WebClient webClient;
    private final HttpClientConfig config;
    private final int maxIdlePerEndpoint;
    private final long maxIdleNanos;
    private final Map<String, Idle> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ConnectionPool(WebClient webClient, int maxIdlePerEndpoint, Duration maxIdle) {
        this.webClient = webClient;
        this.config = webClient.prototype();
        this.maxIdlePerEndpoint = maxIdlePerEndpoint;
        this.maxIdleNanos = maxIdle.toNanos();
    }

    /** A live idle connection to {@code endpoint}, else a new one. */
    UpstreamConnection acquire(Endpoint endpoint, boolean fresh) {
        String key = endpoint.id();
        Idle queue = idle.computeIfAbsent(key, k -> new Idle());
        if (!fresh) {
            long now = System.nanoTime();
            UpstreamConnection connection;
            while ((connection = queue.connections.pollFirst()) != null) {
                queue.size.decrementAndGet();
                if (connection.idleNanos(now) < maxIdleNanos) {
                    return connection;
                }
                connection.close();
            }
        }
        ConnectionKey connectionKey = new ConnectionKey(endpoint.url().getScheme(), endpoint.host(), endpoint.port(),
                config.readTimeout().orElse(Duration.ofSeconds(30)),
                "https".equals(endpoint.url().getScheme()) ? config.tls() : NO_TLS,
                config.dnsResolver(), config.dnsAddressLookup(), Proxy.noProxy());
        TcpClientConnection tcp = TcpClientConnection.create(webClient, connectionKey, HTTP_1_1, conn -> false,
                conn -> {
                }).connect();
        return new UpstreamConnection(tcp, this, key);
    }

    boolean offer(String key, UpstreamConnection connection) {
        if (closed) {
            return false;
        }
        Idle queue = idle.get(key);
        if (queue == null || queue.retired) {
            return false;
        }
        if (queue.size.incrementAndGet() > maxIdlePerEndpoint) {
            queue.size.decrementAndGet();
            return false;
        }
        queue.connections.offerFirst(connection);
        if (closed) {
            closeIdle();
        }
        return true;
    }

    /** Forgets endpoints not in {@code keep}: their idle connections close now, busy ones when released. */
    void retain(java.util.Set<String> keep) {
        idle.entrySet().removeIf(entry -> {
            if (keep.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().retired = true;
            drain(entry.getValue());
            return true;
        });
    }

    @Override
    public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        idle.values().forEach(ConnectionPool::drain);
    }

    private static void drain(Idle queue) {
        UpstreamConnection connection;
        while ((connection = queue.connections.pollFirst()) != null) {
            queue.size.decrementAndGet();
            connection.close();
        }
    }

    private static final class Idle {
        private final Deque<UpstreamConnection> connections = new ConcurrentLinkedDeque<>();
        private final AtomicInteger size = new AtomicInteger();
        private volatile boolean retired;
    }
}
