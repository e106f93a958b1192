package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.testkit.TestClock;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a port where nothing listens: what requests get, and when Redis counts as down. */
class RedisLimiterTest {

    @Test
    void aFailureFailsItsRequestAndThreeInARowMakeRedisDown() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        RateLimitConfig.Policy policy = new RateLimitConfig.Policy("ip", null, 4L, Duration.ofHours(1), null, null);
        RateLimitConfig.RedisSettings settings = new RateLimitConfig.RedisSettings(null, port, null, null, null, null,
                0.5);
        LocalLimiter fallback = new LocalLimiter(policy, 0.5, 100, new TestClock(Instant.EPOCH));
        try (RedisLimiter limiter = new RedisLimiter(policy, "test:", settings, RateLimitConfig.OnRedisError.LOCAL,
                fallback, System.getLogger("test"), "test")) {
            assertTrue(limiter.acquire("a").allowed());
            assertFalse(limiter.down(), "one failure is not an outage");
            assertTrue(limiter.acquire("a").allowed());
            assertFalse(limiter.down());
            Decision third = limiter.acquire("a");
            assertTrue(limiter.down(), "three in a row are");
            assertFalse(third.allowed(), "the local share of 4 is 2");
            assertEquals(2, third.limit());
        }
    }
}
