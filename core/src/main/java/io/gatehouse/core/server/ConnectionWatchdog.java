package io.gatehouse.core.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces the client-side timeouts: each connection publishes the deadline of what it is waiting for (the next
 * request, the rest of a head, the next bytes of a body, a write the client does not read) and one daemon thread
 * closes the socket of every connection past its deadline. Blocking reads and writes then fail in the connection's
 * own thread, which knows from {@link Deadline#expired()} that it was a timeout.
 */
final class ConnectionWatchdog implements AutoCloseable {

    private static final long TICK_MILLIS = 100;

    /** The deadline of one connection; its thread arms and disarms it, the watchdog enforces it. */
    static final class Deadline {
        private final Runnable closer;
        private volatile long at;
        private volatile String phase;
        private volatile String expired;

        Deadline(Runnable closer) {
            this.closer = closer;
        }

        /** From now, the connection may wait at most {@code nanos} for {@code phase}. */
        void arm(String phase, long nanos) {
            this.phase = phase;
            this.at = System.nanoTime() + nanos;
        }

        /** No client timeout applies (the gateway itself is working, e.g. waiting for the upstream). */
        void disarm() {
            this.at = 0;
        }

        /** @return the phase whose deadline passed and closed the connection, or {@code null} */
        String expired() {
            return expired;
        }

        private void check(long now) {
            long deadline = at;
            if (deadline != 0 && now - deadline > 0 && expired == null) {
                expired = phase;
                closer.run();
            }
        }
    }

    private final Set<Deadline> deadlines = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    ConnectionWatchdog() {
        thread = Thread.ofPlatform().daemon().name("gatehouse-client-timeouts").start(this::run);
    }

    Deadline register(Runnable closer) {
        Deadline deadline = new Deadline(closer);
        deadlines.add(deadline);
        return deadline;
    }

    void unregister(Deadline deadline) {
        deadlines.remove(deadline);
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Deadline deadline : deadlines) {
                try {
                    deadline.check(now);
                } catch (RuntimeException ignored) {
                    // closing a socket that is already gone
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
