package io.gatehouse.core.script;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops JavaScript that runs longer than its budget: script calls (each pooled Context's running call) and module
 * evaluations (a new Context's top-level code). One platform thread checks everything it watches every few
 * milliseconds; cancelling closes the Context (on a virtual thread, as closing waits for the guest to stop). A
 * pooled Context registers once when built, so a call only writes its Context's {@code running} field: nothing on
 * the request path touches a shared map.
 */
final class Watchdog implements AutoCloseable {

    private static final long PERIOD_MILLIS = 5;

    /** Something running JavaScript under a time budget. */
    interface Watched {
        /** @return true, once, when the budget has run out at {@code now} (nanoTime); the watchdog then cancels */
        boolean overBudget(long now);

        /** Stops the JavaScript (closes its Context); may block until the guest has stopped. */
        void cancel();
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
        while (!closed) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watched target : watched) {
                if (target.overBudget(now)) {
                    watched.remove(target);
                    Thread.ofVirtual().name("script-cancel").start(target::cancel);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
