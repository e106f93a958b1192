package io.gatehouse.core.script;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops JavaScript that runs longer than its budget: script calls (each pooled Context's running call) and module
 * evaluations (a new Context's top-level code). One platform thread checks everything it watches every few
 * milliseconds; cancelling closes the Context (on a virtual thread, as closing waits for the guest to stop). A
 * pooled Context registers once when built, so a call only writes its Context's {@code running} field: nothing on
 * the request path touches a shared map.
 * <p>
 * Time the watchdog itself could not run is not charged to anyone: when a tick comes late (a stop-the-world
 * collection, a safepoint, a machine too busy to schedule the gateway), the JavaScript it watches could not run
 * either, and the delay is handed back to every budget ({@link Watched#stalled}). Without that, one full
 * collection longer than a route's script timeout stopped every call in flight, and each stopped Context
 * deoptimised the script's compiled code for all the others: seconds of interpreted, failing calls.
 */
final class Watchdog implements AutoCloseable {

    private static final long PERIOD_MILLIS = 5;
    /** A tick later than this after the previous one means the JVM or the machine stalled us. */
    static final long STALL_AFTER_NANOS = 2 * PERIOD_MILLIS * 1_000_000;

    /** Something running JavaScript under a time budget. */
    interface Watched {
        /** @return true, once, when the budget has run out at {@code now} (nanoTime); the watchdog then cancels */
        boolean overBudget(long now);

        /** Stops the JavaScript (closes its Context); may block until the guest has stopped. */
        void cancel();

        /** The JVM did not run for about {@code nanos} (a stall seen by the watchdog): not to be charged. */
        default void stalled(long nanos) {
        }
    }

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    Watchdog() {
        thread = Thread.ofPlatform().daemon().name("script-watchdog").start(this::loop);
    }

    void register(Watched target) {
        watched.add(target);
    }

    void forget(Watched target) {
        watched.remove(target);
    }

    private void loop() {
        long last = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            tick(now, now - last);
            last = now;
        }
    }

    /**
     * One check of everything watched at {@code now}, {@code sinceLast} after the previous one. A late tick still
     * charges {@link #STALL_AFTER_NANOS}, so a runaway is stopped however busy the machine is, only later.
     */
    void tick(long now, long sinceLast) {
        long stall = sinceLast - STALL_AFTER_NANOS;
        if (stall > 0) {
            watched.forEach(target -> target.stalled(stall));
        }
        for (Watched target : watched) {
            if (target.overBudget(now)) {
                watched.remove(target);
                Thread.ofVirtual().name("script-cancel").start(target::cancel);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
