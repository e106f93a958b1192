package io.gatehouse.plugins.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A policy's counters in this node's memory. Keys idle long enough to be back at a full quota are dropped, and at
 * most {@code maxKeys} are kept (the least recently used go first), so memory stays bounded whatever the clients.
 */
final class LocalLimiter implements Limiter {

    private final RateLimitConfig.Algorithm algorithm;
    private final long limit;
    private final long windowNanos;
    private final long burst;
    private final Clock clock;
    private final Cache<String, Object> counters;

    /**
     * @param policy  the policy
     * @param share   the share of its limit (and burst) this node allows, 1.0 for all of it
     * @param maxKeys keys kept at most
     * @param clock   the clock, injected by tests
     */
    LocalLimiter(RateLimitConfig.Policy policy, double share, long maxKeys, Clock clock) {
        this.algorithm = policy.algorithm();
        this.limit = Math.max(1, (long) Math.floor(policy.limit() * share));
        this.burst = Math.max(1, (long) Math.floor(policy.burst() * share));
        this.windowNanos = policy.window().toNanos();
        this.clock = clock;
        long interval = windowNanos / limit;
        Duration idle = Duration.ofNanos(algorithm == RateLimitConfig.Algorithm.TOKEN_BUCKET
                ? Math.max(interval * burst, 1) : 2 * windowNanos);
        // upkeep on the calling thread, not handed to the common pool (a pool thread woken every few hundred requests)
        this.counters = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(idle)
                .ticker(this::now).executor(Runnable::run).build();
    }

    private long now() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** @return the number of keys tracked now, for tests */
    long keys() {
        counters.cleanUp();
        return counters.estimatedSize();
    }

    @Override
    public Decision acquire(String key) {
        long now = now();
        if (algorithm == RateLimitConfig.Algorithm.TOKEN_BUCKET) {
            AtomicLong tat = (AtomicLong) counters.get(key, k -> new AtomicLong(Long.MIN_VALUE));
            return tokenBucket(tat, now);
        }
        Window window = (Window) counters.get(key, k -> new Window());
        return window.acquire(now, windowNanos, limit);
    }

    /**
     * The token bucket as GCRA: one number per key, the theoretical arrival time of the next request; the bucket
     * is full when it lies in the past, and empty when it lies {@code burst} intervals ahead.
     */
    private Decision tokenBucket(AtomicLong tat, long now) {
        long interval = windowNanos / limit;
        long allowance = interval * burst;
        while (true) {
            long current = tat.get();
            long next = Math.max(current, now) + interval;
            if (next - now > allowance) {
                return Decision.refuse(burst, Math.max(current, now) - now, next - now - allowance);
            }
            if (tat.compareAndSet(current, next)) {
                return Decision.allow(burst, (allowance - (next - now)) / interval, next - now);
            }
        }
    }

    /**
     * A sliding window estimated from two fixed ones (as nginx and Cloudflare do): the count of the previous window,
     * weighted by how much of it still overlaps the last {@code window}, plus the count of the current one.
     */
    static final class Window {
        private long index = Long.MIN_VALUE;
        private long previous;
        private long current;

        synchronized Decision acquire(long now, long windowNanos, long limit) {
            long at = Math.floorDiv(now, windowNanos);
            long elapsed = now - at * windowNanos;
            if (at != index) {
                previous = at == index + 1 ? current : 0;
                current = 0;
                index = at;
            }
            long left = windowNanos - elapsed;
            double estimate = previous * (double) left / windowNanos + current;
            if (estimate + 1 > limit) {
                return Decision.refuse(limit, left, retryNanos(elapsed, windowNanos, limit));
            }
            current++;
            return Decision.allow(limit, (long) Math.floor(limit - estimate - 1), left);
        }

        /** The time until {@code previous * overlap + current + 1 <= limit}. */
        private long retryNanos(long elapsed, long windowNanos, long limit) {
            double w = windowNanos;
            if (current + 1 <= limit) {
                return (long) Math.ceil((w - elapsed) - w * (limit - current - 1) / previous);
            }
            double into = Math.max(0, w - w * (limit - 1) / current);
            return (long) Math.ceil((w - elapsed) + into);
        }
    }
}
