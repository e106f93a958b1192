package io.gatehouse.api.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test moves it, for components that take a {@link Clock} (token expiry, cache
 * lifetimes, refresh intervals): no test needs to sleep. Always UTC. Thread-safe.
 *
 * @since 1.2.0
 */
public final class TestClock extends Clock {

    private volatile Instant now;

    /** @param start the instant the clock shows until it is moved */
    public TestClock(Instant start) {
        this.now = start;
    }

    /** @param duration how far to move the clock forward (or back, when negative) */
    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    /** @return the clock's time as nanoseconds since the epoch, e.g. for a cache's ticker */
    public long nanos() {
        Instant at = now;
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** @return this clock: a test clock is UTC only */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
