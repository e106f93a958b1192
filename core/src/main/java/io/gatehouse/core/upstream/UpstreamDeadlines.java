package io.gatehouse.core.upstream;

import java.nio.channels.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds reads and writes on upstream connections. A blocking socket write has no timeout in Java, and a socket read
 * timeout on a virtual thread costs a timer scheduled and cancelled on every read that waits. Instead, each
 * connection registers once, when it opens, and publishes the deadline of the read and of the write it is blocked
 * in (two slots: a WebSocket tunnel reads and writes one connection from two threads); one daemon thread for the
 * whole process closes the channel of any connection past a deadline. The blocked call then fails in its own
 * thread, which learns from {@link Watch#expired()} that it was a timeout.
 *
 * <p>Arming is two volatile writes, so a read or write pays nothing when it does not block; a deadline is enforced
 * within one {@link #TICK_MILLIS tick} of passing.
 */
final class UpstreamDeadlines {

    static final long TICK_MILLIS = 50;
    private static final Set<Watch> WATCHES = ConcurrentHashMap.newKeySet();

    static {
        Ticker.start("gatehouse-upstream-timeouts", TICK_MILLIS, UpstreamDeadlines::check);
    }

    private UpstreamDeadlines() {
    }

    /** Watches a connection from now until {@link Watch#close()}; {@code abort} closes its channel. */
    static Watch watch(Channel channel, Runnable abort) {
        Watch watch = new Watch(channel, abort);
        WATCHES.add(watch);
        return watch;
    }

    /** One connection's deadlines; its threads arm and disarm them. */
    static final class Watch implements AutoCloseable {
        private final Channel channel;
        private final Runnable abort;
        private volatile long readDeadline;
        private volatile long writeDeadline;
        private volatile UpstreamTimeoutException.Phase expired;
        private UpstreamTimeoutException.Phase readPhase = UpstreamTimeoutException.Phase.HEAD;

        private Watch(Channel channel, Runnable abort) {
            this.channel = channel;
            this.abort = abort;
        }

        /** The read about to start must have bytes by {@code deadline} ({@link System#nanoTime()}), or never end. */
        void armRead(UpstreamTimeoutException.Phase phase, long deadline) {
            readPhase = phase;
            readDeadline = deadline == 0 ? 1 : deadline;
        }

        /** The read about to start may wait as long as it takes. */
        void disarmRead() {
            readDeadline = 0;
        }

        /** The write about to start may block for at most {@code nanos}. */
        void armWrite(long nanos) {
            long deadline = System.nanoTime() + nanos;
            writeDeadline = deadline == 0 ? 1 : deadline;
        }

        void disarmWrite() {
            writeDeadline = 0;
        }

        /** @return what the connection was waiting for when a deadline passed and closed it, or {@code null} */
        UpstreamTimeoutException.Phase expired() {
            return expired;
        }

        /** The connection is closed: nothing more to watch. */
        @Override
        public void close() {
            WATCHES.remove(this);
        }

        private void check(long now) {
            if (!channel.isOpen()) {
                WATCHES.remove(this); // closed without telling us (a failed open, say)
                return;
            }
            long write = writeDeadline;
            long read = readDeadline;
            UpstreamTimeoutException.Phase phase = write != 0 && now - write > 0 ? UpstreamTimeoutException.Phase.WRITE
                    : read != 0 && now - read > 0 ? readPhase : null;
            if (phase != null && expired == null) {
                expired = phase;
                WATCHES.remove(this);
                abort.run();
            }
        }
    }

    private static void check() {
        long now = System.nanoTime();
        for (Watch watch : WATCHES) {
            watch.check(now);
        }
    }
}
