package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.core.tls.UpstreamTls;
import io.helidon.common.socket.SocketOptions;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keep-alive connections to the endpoints of one upstream, most recently used first.
 *
 * <p>No thread reads idle connections (Helidon 4.2's cache does, with a race that lets the watcher steal the first
 * byte of a reused connection's response, and at the cost of a thread hand-off per request). A connection idle for
 * longer than {@code maxIdle} is never reused, which stays below common server keep-alive timeouts, and the proxy
 * retries a replayable request once on a fresh connection when a reused one turns out to be dead before any answer.
 * Idle connections past {@code maxIdle} are closed by {@link IdleReaper} wherever they sit: under steady traffic
 * the most recent one serves every request and those behind it would otherwise stay open (in CLOSE_WAIT once the
 * upstream gives up on them) for as long as the pool lives.
 *
 * <p>An idle connection is checked before it is handed out: one with bytes waiting (the upstream sent something
 * outside of any exchange) or closed by its upstream is closed, never used.
 */
final class ConnectionPool implements AutoCloseable {

    private final SocketOptions options;
    private final UpstreamTls tls;
    private final int maxIdlePerEndpoint;
    private final long maxIdleNanos;
    private final Map<String, Idle> idle = new ConcurrentHashMap<>();
    /** The endpoint ids discovery reported last, or {@code null} before it did: any endpoint may be pooled then. */
    private volatile Set<String> endpoints;
    private volatile boolean closed;

    ConnectionPool(SocketOptions options, int maxIdlePerEndpoint, Duration maxIdle) {
        this(options, UpstreamTls.verifying(), maxIdlePerEndpoint, maxIdle);
    }

    /** @param tls how {@code https://} endpoints are verified and authenticated to */
    ConnectionPool(SocketOptions options, UpstreamTls tls, int maxIdlePerEndpoint, Duration maxIdle) {
        this.options = options;
        this.tls = tls;
        this.maxIdlePerEndpoint = maxIdlePerEndpoint;
        this.maxIdleNanos = maxIdle.toNanos();
        IdleReaper.register(this);
    }

    /** A quiet idle connection to {@code endpoint}, else a new one. */
    UpstreamConnection acquire(Endpoint endpoint, boolean fresh) {
        String key = endpoint.id();
        Idle queue = queue(key);
        if (!fresh && queue != null) {
            long now = System.nanoTime();
            UpstreamConnection connection;
            while ((connection = queue.pollFirst()) != null) {
                if (connection.idleNanos(now) < maxIdleNanos && connection.quiet()) {
                    return connection;
                }
                connection.close();
            }
        }
        return UpstreamConnection.open(endpoint, options,
                "https".equals(endpoint.url().getScheme()) ? tls : null, this, key);
    }

    /**
     * The idle queue of an endpoint, created on first use; {@code null} for one discovery no longer reports (a
     * request that chose it just before it went away): its connection is used once and closed.
     */
    private Idle queue(String key) {
        Set<String> known = endpoints;
        if (known != null && !known.contains(key)) {
            return null;
        }
        Idle queue = idle.computeIfAbsent(key, k -> new Idle());
        known = endpoints;
        if (known != null && !known.contains(key)) {
            // retain() ran meanwhile and may have missed the queue just created
            retire(key, queue);
            return null;
        }
        return queue;
    }

    boolean offer(String key, UpstreamConnection connection) {
        if (closed) {
            return false;
        }
        Idle queue = idle.get(key);
        if (queue == null || queue.retired) {
            return false;
        }
        if (!queue.offerFirst(connection, maxIdlePerEndpoint)) {
            return false;
        }
        if (closed || queue.retired) {
            drain(queue);
        }
        return true;
    }

    /** Forgets endpoints not in {@code keep}: their idle connections close now, busy ones when released. */
    void retain(Set<String> keep) {
        endpoints = Set.copyOf(keep);
        idle.forEach((key, queue) -> {
            if (!keep.contains(key)) {
                retire(key, queue);
            }
        });
    }

    /** Closes the idle connections that have been idle for longer than {@code maxIdle}, oldest first. */
    void reapIdle() {
        long now = System.nanoTime();
        for (Idle queue : idle.values()) {
            UpstreamConnection oldest;
            while ((oldest = queue.pollLastIdle(now, maxIdleNanos)) != null) {
                oldest.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        IdleReaper.unregister(this);
        idle.values().forEach(ConnectionPool::drain);
    }

    private void retire(String key, Idle queue) {
        queue.retired = true;
        idle.remove(key, queue);
        drain(queue);
    }

    private static void drain(Idle queue) {
        UpstreamConnection connection;
        while ((connection = queue.pollFirst()) != null) {
            connection.close();
        }
    }

    /**
     * One endpoint's idle connections, most recently used first. A lock around an array deque: each operation is
     * a few field writes, where a lock-free deque's CAS retries and node unlinking cost more between the carriers
     * taking and returning connections of the same endpoint (5 % of the proxy's CPU in a profile).
     */
    private static final class Idle {
        private final ReentrantLock lock = new ReentrantLock();
        private final ArrayDeque<UpstreamConnection> connections = new ArrayDeque<>();
        private volatile boolean retired;

        UpstreamConnection pollFirst() {
            lock.lock();
            try {
                return connections.pollFirst();
            } finally {
                lock.unlock();
            }
        }

        /** Adds {@code connection} as the most recent unless {@code max} are idle already. */
        boolean offerFirst(UpstreamConnection connection, int max) {
            lock.lock();
            try {
                if (connections.size() >= max) {
                    return false;
                }
                connections.addFirst(connection);
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Takes the least recently used connection if it has been idle for {@code maxIdleNanos} or longer. */
        UpstreamConnection pollLastIdle(long now, long maxIdleNanos) {
            lock.lock();
            try {
                UpstreamConnection oldest = connections.peekLast();
                return oldest != null && oldest.idleNanos(now) >= maxIdleNanos ? connections.pollLast() : null;
            } finally {
                lock.unlock();
            }
        }
    }
}
