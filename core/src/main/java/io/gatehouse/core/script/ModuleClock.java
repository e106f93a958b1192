package io.gatehouse.core.script;

import org.graalvm.polyglot.Context;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The time budget of one module evaluation: a new Context running a script's top-level code. Wall time, since
 * nothing at module level waits for I/O. It ends exactly once: the evaluation finishes first ({@link #finish}), or
 * the {@link Watchdog} expires it and closes the Context, which stops the guest wherever it is.
 */
final class ModuleClock implements Watchdog.Watched {

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int EXPIRED = 2;

    private final Context context;
    private volatile long deadline;   // moved on by the watchdog's stalls (its thread only)
    private final AtomicInteger state = new AtomicInteger(RUNNING);

    ModuleClock(Context context, Duration budget) {
        this.context = context;
        this.deadline = System.nanoTime() + budget.toNanos();
    }

    @Override
    public boolean overBudget(long now) {
        return now - deadline > 0 && state.compareAndSet(RUNNING, EXPIRED);
    }

    @Override
    public void stalled(long nanos) {
        deadline += nanos;
    }

    @Override
    public void cancel() {
        try {
            context.close(true);
        } catch (RuntimeException ignored) {
            // already closed by the evaluating thread
        }
    }

    /** @return false when the watchdog expired the budget first (the Context is closed or closing) */
    boolean finish() {
        return state.compareAndSet(RUNNING, DONE);
    }

    boolean expired() {
        return state.get() == EXPIRED;
    }
}
