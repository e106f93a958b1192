package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.testkit.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Lua script against a real redis-server: both algorithms count, refuse and tell when to retry. */
class RedisScriptIT {

    private static RedisLimiter limiter(RedisServer redis, RateLimitConfig.Policy policy) {
        RateLimitConfig.RedisSettings settings = new RateLimitConfig.RedisSettings(null, redis.port(), null, null,
                Duration.ofSeconds(2), null, null);
        return new RedisLimiter(policy, "test:" + policy.algorithm() + ":", settings,
                RateLimitConfig.OnRedisError.DENY, new LocalLimiter(policy, 1.0, 10, new TestClock(Instant.EPOCH)),
                System.getLogger("test"), "test");
    }

    @Test
    void theTokenBucketSpendsItsBurstThenRefillsAtItsRate() throws Exception {
        try (RedisServer redis = RedisServer.start();
             RedisLimiter limiter = limiter(redis, new RateLimitConfig.Policy("ip",
                     RateLimitConfig.Algorithm.TOKEN_BUCKET, 10L, Duration.ofHours(1), 5L, null))) {
            for (int i = 4; i >= 0; i--) {
                Decision decision = limiter.acquire("a");
                assertTrue(decision.allowed() && decision.known());
                assertEquals(i, decision.remaining());
                assertEquals(5, decision.limit());
            }
            Decision refused = limiter.acquire("a");
            assertFalse(refused.allowed());
            assertTrue(refused.known(), "refused by the script, not for want of Redis");
            long interval = Duration.ofMinutes(6).toNanos();
            assertTrue(Math.abs(refused.retryNanos() - interval) < 1_000_000_000L,
                    "one token in 6 min: " + refused.retryNanos());
            assertTrue(limiter.acquire("b").allowed(), "another key");
        }
    }

    @Test
    void theSlidingWindowCountsToItsLimitAndSaysWhenTheWindowMovesOn() throws Exception {
        try (RedisServer redis = RedisServer.start();
             RedisLimiter limiter = limiter(redis, new RateLimitConfig.Policy("ip",
                     RateLimitConfig.Algorithm.SLIDING_WINDOW, 3L, Duration.ofHours(1), null, null))) {
            assertEquals(2, limiter.acquire("a").remaining());
            assertEquals(1, limiter.acquire("a").remaining());
            Decision last = limiter.acquire("a");
            assertEquals(0, last.remaining());
            assertTrue(last.resetNanos() > 0 && last.resetNanos() <= Duration.ofHours(1).toNanos());
            Decision refused = limiter.acquire("a");
            assertFalse(refused.allowed());
            assertTrue(refused.known());
            assertTrue(refused.retryNanos() > refused.resetNanos(), "after the window ends, while it still counts");
            assertTrue(refused.retryNanos() <= Duration.ofHours(2).toNanos());
        }
    }
}
