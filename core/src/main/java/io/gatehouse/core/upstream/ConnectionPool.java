package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.HttpClientConfig;

import java.time.Duration;
import java.util.Deque;
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
 *
 * <p>An idle connection is checked before it is handed out: one with bytes waiting (the upstream sent something
 * outside of any exchange) or closed by its upstream is closed, never used.
 */
final class ConnectionPool implements AutoCloseable {

    private final HttpClientConfig config;
    private final int maxIdlePerEndpoint;
    private final long maxIdleNanos;
    private final Map<String, Idle> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ConnectionPool(HttpClientConfig config, int maxIdlePerEndpoint, Duration maxIdle) {
        this.config = config;
        this.maxIdlePerEndpoint = maxIdlePerEndpoint;
        this.maxIdleNanos = maxIdle.toNanos();
    }

    /** A quiet idle connection to {@code endpoint}, else a new one. */
    UpstreamConnection acquire(Endpoint endpoint, boolean fresh) {
        String key = endpoint.id();
        Idle queue = idle.computeIfAbsent(key, k -> new Idle());
        if (!fresh) {
            long now = System.nanoTime();
            UpstreamConnection connection;
            while ((connection = queue.connections.pollFirst()) != null) {
                queue.size.decrementAndGet();
                if (connection.idleNanos(now) < maxIdleNanos && connection.quiet()) {
                    return connection;
                }
                connection.close();
            }
        }
        Tls tls = "https".equals(endpoint.url().getScheme()) && config.tls().enabled() ? config.tls() : null;
        return UpstreamConnection.open(endpoint, config.socketOptions(), tls, this, key);
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
