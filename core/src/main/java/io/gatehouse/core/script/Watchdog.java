package io.gatehouse.core.script;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancels script calls that run JavaScript longer than their budget. One platform thread checks the running calls
 * every few milliseconds; cancelling closes the call's Context (on a virtual thread, as closing waits for the
 * guest to stop), and the pool replaces it.
 */
final class Watchdog implements AutoCloseable {

    private static final long PERIOD_MILLIS = 5;

    private final Map<ScriptCall, ScriptVersion.ScriptContext> running = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    Watchdog() {
        thread = Thread.ofPlatform().daemon().name("script-watchdog").start(this::loop);
    }

    void watch(ScriptCall call, ScriptVersion.ScriptContext context) {
        running.put(call, context);
    }

    void unwatch(ScriptCall call) {
        running.remove(call);
    }

    private void loop() {
        while (!closed) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            running.forEach((call, context) -> {
                if (call.overBudget(now)) {
                    running.remove(call);
                    Thread.ofVirtual().name("script-cancel").start(context::cancel);
                }
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
