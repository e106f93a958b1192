package io.gatehouse.core.script;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancels script calls that run JavaScript longer than their budget. One platform thread checks every pooled
 * Context's running call every few milliseconds; cancelling closes the Context (on a virtual thread, as closing
 * waits for the guest to stop), and the pool replaces it. Contexts register once when built, so a call only writes
 * its Context's {@code running} field: nothing on the request path touches a shared map.
 */
final class Watchdog implements AutoCloseable {

    private static final long PERIOD_MILLIS = 5;

    private final Set<ScriptVersion.ScriptContext> contexts = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    Watchdog() {
        thread = Thread.ofPlatform().daemon().name("script-watchdog").start(this::loop);
    }

    void register(ScriptVersion.ScriptContext context) {
        contexts.add(context);
    }

    void forget(ScriptVersion.ScriptContext context) {
        contexts.remove(context);
    }

    private void loop() {
        while (!closed) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (ScriptVersion.ScriptContext context : contexts) {
                ScriptCall call = context.running();
                // overBudget is true once per call: it moves the call to KILLED
                if (call != null && call.overBudget(now)) {
                    contexts.remove(context);
                    Thread.ofVirtual().name("script-cancel").start(context::cancel);
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
