package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.testkit.TestClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalLimiterTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00.250Z"));

    private LocalLimiter limiter(RateLimitConfig.Algorithm algorithm, long limit, Duration window) {
        return new LocalLimiter(new RateLimitConfig.Policy("ip", algorithm, limit, window, null, null), 1.0, 1000,
                clock);
    }

    @ParameterizedTest
    @EnumSource(RateLimitConfig.Algorithm.class)
    void theLimitPassesThenRefusesWithNothingRemaining(RateLimitConfig.Algorithm algorithm) {
        LocalLimiter limiter = limiter(algorithm, 3, Duration.ofSeconds(10));
        assertEquals(2, limiter.acquire("a").remaining());
        assertEquals(1, limiter.acquire("a").remaining());
        assertEquals(0, limiter.acquire("a").remaining());
        Decision refused = limiter.acquire("a");
        assertFalse(refused.allowed());
        assertEquals(3, refused.limit());
        assertTrue(limiter.acquire("b").allowed(), "another key has its own quota");
    }

    /** Retry-After is honest: a request sent once it has passed is allowed, one sent a second earlier is not. */
    @ParameterizedTest
    @EnumSource(RateLimitConfig.Algorithm.class)
    void aRequestSentAfterRetryAfterPasses(RateLimitConfig.Algorithm algorithm) {
        LocalLimiter limiter = limiter(algorithm, 5, Duration.ofSeconds(10));
        for (int round = 0; round < 6; round++) {
            while (limiter.acquire("a").allowed()) {
                clock.advance(Duration.ofMillis(700));
            }
            long retry = Decision.seconds(limiter.acquire("a").retryNanos());
            assertTrue(retry >= 1 && retry <= 10, "retry " + retry);
            if (retry > 1) {
                clock.advance(Duration.ofSeconds(retry - 1));
                clock.advance(Duration.ofMillis(-1));
                assertFalse(limiter.acquire("a").allowed(), "a second before Retry-After, round " + round);
                clock.advance(Duration.ofMillis(1));
                clock.advance(Duration.ofSeconds(1));
            } else {
                clock.advance(Duration.ofSeconds(retry));
            }
            assertTrue(limiter.acquire("a").allowed(), "after Retry-After (" + retry + " s), round " + round);
        }
    }

    @Test
    void theSlidingWindowCountsThePreviousWindowByItsOverlap() {
        LocalLimiter limiter = limiter(RateLimitConfig.Algorithm.SLIDING_WINDOW, 10, Duration.ofSeconds(10));
        clock.advance(Duration.ofMillis(9_750)); // 00:00:10.000, the start of a window
        clock.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.acquire("a").allowed());
        }
        assertFalse(limiter.acquire("a").allowed());
        clock.advance(Duration.ofSeconds(7)); // 2 s into the next window: 10 * 0.8 = 8 still count
        assertTrue(limiter.acquire("a").allowed());
        assertTrue(limiter.acquire("a").allowed());
        assertFalse(limiter.acquire("a").allowed());
        clock.advance(Duration.ofSeconds(20));
        assertEquals(9, limiter.acquire("a").remaining(), "two windows later nothing counts");
    }

    @Test
    void theTokenBucketRefillsAtItsRateUpToItsBurst() {
        LocalLimiter limiter = new LocalLimiter(new RateLimitConfig.Policy("ip",
                RateLimitConfig.Algorithm.TOKEN_BUCKET, 10L, Duration.ofSeconds(1), 20L, null), 1.0, 1000, clock);
        for (int i = 0; i < 20; i++) {
            assertTrue(limiter.acquire("a").allowed(), "burst " + i);
        }
        assertFalse(limiter.acquire("a").allowed());
        assertEquals(100_000_000L, limiter.acquire("a").retryNanos());
        clock.advance(Duration.ofMillis(500));
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.acquire("a").allowed(), "refilled " + i);
        }
        assertFalse(limiter.acquire("a").allowed());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(19, limiter.acquire("a").remaining(), "never more than the burst");
    }

    @ParameterizedTest
    @EnumSource(RateLimitConfig.Algorithm.class)
    void idleKeysExpireAndTheirNumberIsBounded(RateLimitConfig.Algorithm algorithm) {
        LocalLimiter limiter = new LocalLimiter(new RateLimitConfig.Policy("ip", algorithm, 5L,
                Duration.ofSeconds(1), null, null), 1.0, 100, clock);
        for (int i = 0; i < 1000; i++) {
            limiter.acquire("client-" + i);
        }
        assertTrue(limiter.keys() <= 100, "at most max_keys: " + limiter.keys());
        clock.advance(Duration.ofSeconds(3));
        assertEquals(0, limiter.keys(), "idle keys expire");
    }

    @Test
    void aShareScalesTheLimit() {
        LocalLimiter limiter = new LocalLimiter(new RateLimitConfig.Policy("ip",
                RateLimitConfig.Algorithm.SLIDING_WINDOW, 10L, Duration.ofSeconds(10), null, null), 0.5, 100, clock);
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            allowed += limiter.acquire("a").allowed() ? 1 : 0;
        }
        assertEquals(5, allowed);
    }
}
