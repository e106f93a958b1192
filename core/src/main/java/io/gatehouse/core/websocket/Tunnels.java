package io.gatehouse.core.websocket;

import io.gatehouse.core.generation.Generation;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The open WebSocket tunnels of a gateway, across config generations: counts per route (for the limit, the admin
 * API and metrics), and one timer thread that enforces every tunnel's idle timeout, close grace and drain limit so
 * that no tunnel needs a timer of its own. Lives as long as the gateway.
 */
public final class Tunnels implements AutoCloseable {

    private static final long TICK_MILLIS = 200;

    private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> reserved = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final ReentrantLock timerLock = new ReentrantLock();
    private final List<Consumer<String>> routeListeners = new CopyOnWriteArrayList<>();
    private Thread timer;
    private volatile boolean closed;

    /** A tunnel slot of a route, taken for a handshake and given back once when its request is over. */
    public static final class Slot {
        private final AtomicInteger count;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(AtomicInteger count) {
            this.count = count;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }

    /** @return a slot of the route, or {@code null} when it already has {@code max} handshakes or tunnels */
    Slot reserve(String routeId, int max) {
        AtomicInteger count = reserved.computeIfAbsent(routeId, id -> new AtomicInteger());
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            return null;
        }
        return new Slot(count);
    }

    /** Calls {@code listener} with each route id the first time a tunnel opens on it (for per-route gauges). */
    public void onNewRoute(Consumer<String> listener) {
        routeListeners.add(listener);
        running.keySet().forEach(listener);
    }

    /** @return the number of tunnels open on a route */
    public int open(String routeId) {
        AtomicInteger count = running.get(routeId);
        return count == null ? 0 : count.get();
    }

    /** @return the tunnels open on every route (graceful shutdown waits for it to reach 0 after {@link #closeAll}) */
    public int openCount() {
        return open.size();
    }

    /** @return route id → tunnels open, for every route that ever had one */
    public Map<String, Integer> openByRoute() {
        Map<String, Integer> view = new TreeMap<>();
        running.forEach((route, count) -> view.put(route, count.get()));
        return view;
    }

    /** @return how many tunnels are open on a generation */
    public int openOn(Generation generation) {
        int n = 0;
        for (Tunnel tunnel : open) {
            if (tunnel.generation() == generation) {
                n++;
            }
        }
        return n;
    }

    void opened(Tunnel tunnel) {
        open.add(tunnel);
        AtomicInteger count = running.get(tunnel.routeId());
        if (count == null) {
            count = running.computeIfAbsent(tunnel.routeId(), id -> {
                routeListeners.forEach(listener -> listener.accept(id));
                return new AtomicInteger();
            });
        }
        count.incrementAndGet();
        startTimer();
        if (closed) {
            tunnel.closeBothLater(CloseFrame.GOING_AWAY, "gateway shutting down");
        }
    }

    void ended(Tunnel tunnel) {
        if (open.remove(tunnel)) {
            running.get(tunnel.routeId()).decrementAndGet();
        }
    }

    /**
     * A reload replaced {@code generation}: its tunnels keep running, each until its route's {@code drain_timeout}
     * from now, then close with 1001.
     */
    public void retired(Generation generation) {
        long now = System.nanoTime();
        for (Tunnel tunnel : open) {
            if (tunnel.generation() == generation) {
                tunnel.drainFrom(now);
            }
        }
    }

    /**
     * Closes every open tunnel: a close frame with {@code code} and {@code reason} to both ends (graceful shutdown
     * uses 1001), then each tunnel waits briefly for the close handshake before ending its connections.
     *
     * @return how many tunnels were open
     */
    public int closeAll(int code, String reason) {
        int n = 0;
        for (Tunnel tunnel : open) {
            tunnel.closeBothLater(code, reason);
            n++;
        }
        return n;
    }

    private void startTimer() {
        timerLock.lock();
        try {
            if (timer == null && !closed) {
                timer = Thread.ofVirtual().name("websocket-timer").start(this::tickUntilClosed);
            }
        } finally {
            timerLock.unlock();
        }
    }

    private void tickUntilClosed() {
        while (!closed || !open.isEmpty()) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Tunnel tunnel : open) {
                tunnel.tick(now);
            }
        }
    }

    /** Closes every tunnel with 1001; the timer ends once they have. */
    @Override
    public void close() {
        closed = true;
        closeAll(CloseFrame.GOING_AWAY, "gateway shutting down");
    }
}
