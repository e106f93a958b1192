package io.gatehouse.core.upstream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds writes to upstreams. A blocking socket write has no timeout in Java: an upstream that stops reading an
 * upload would pin the request's thread until TCP gives up, minutes later. Each write registers its deadline here
 * for as long as it blocks, and one daemon thread for the whole process closes the socket of any write past it; the
 * write then fails in its own thread, which learns from {@link Write#expired()} that it was a timeout.
 *
 * <p>Reads need none of this: a socket read timeout does the same job without a thread.
 */
final class WriteWatchdog {

    private static final long TICK_MILLIS = 50;
    private static final Map<Write, Boolean> WRITES = new ConcurrentHashMap<>();

    static {
        Ticker.start("gatehouse-upstream-writes", TICK_MILLIS, WriteWatchdog::check);
    }

    private WriteWatchdog() {
    }

    /** One connection's pending write; its thread arms and disarms it. */
    static final class Write {
        private final Runnable abort;
        private volatile long deadline;
        private volatile boolean expired;

        Write(Runnable abort) {
            this.abort = abort;
        }

        /** The write about to start may block for at most {@code nanos}. */
        void arm(long nanos) {
            deadline = System.nanoTime() + nanos;
            WRITES.put(this, Boolean.TRUE);
        }

        void disarm() {
            deadline = 0;
            WRITES.remove(this);
        }

        /** @return whether a write ran out of time (the connection was aborted then) */
        boolean expired() {
            return expired;
        }

        private void check(long now) {
            long at = deadline;
            if (at != 0 && now - at > 0 && !expired) {
                expired = true;
                WRITES.remove(this);
                abort.run();
            }
        }
    }

    private static void check() {
        long now = System.nanoTime();
        WRITES.keySet().forEach(write -> write.check(now));
    }
}
