package io.gatehouse.core.generation;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in progress against a limit (overload shedding): a request that does not fit is refused at once, never
 * queued. Lock-free. A route's count is state carried across reloads while the route's id stays, so the requests
 * still running on an old generation count against the new one.
 */
public final class InFlight implements AutoCloseable {

    /**
     * The count of a route without a limit, shared by all such routes: nothing enters it (the proxy counts a route's
     * requests only when it has {@code max_concurrent_requests}), so a reload of many routes makes and keeps none.
     */
    static final InFlight UNCOUNTED = new InFlight();

    private final AtomicInteger count = new AtomicInteger();

    /** @return whether one more request fits under {@code max}; if it does, it is counted until {@link #exit} */
    public boolean tryEnter(int max) {
        if (count.incrementAndGet() <= max) {
            return true;
        }
        count.decrementAndGet();
        return false;
    }

    /** Ends a request {@link #tryEnter} counted. */
    public void exit() {
        count.decrementAndGet();
    }

    /** @return the requests counted now */
    public int count() {
        return count.get();
    }

    @Override
    public void close() {
        // nothing held but the count
    }
}
