package io.gatehouse.plugins.discovery.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: {@code initial}, then twice as long each time up to {@code max}, each
 * delay drawn from its upper half so that many watchers do not retry in step. Not thread-safe: one per watch loop.
 */
public final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private long nextNanos;

    /**
     * @param initial the first delay, &gt; 0
     * @param max     the largest delay, &ge; {@code initial}
     * @throws IllegalArgumentException if the bounds are not positive and ordered
     */
    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.nextNanos = initialNanos;
    }

    /** @return the delay before the next retry; each call doubles the following one, up to the cap */
    public Duration next() {
        long ceiling = nextNanos;
        nextNanos = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
        long half = ceiling / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    /** Starts again from the initial delay, after a success. */
    public void reset() {
        nextNanos = initialNanos;
    }
}
