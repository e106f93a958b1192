package io.gatehouse.core.upstream;

import io.gatehouse.core.config.RetryBudgetConfig;

import java.util.Map;

/**
 * The retry budget of one upstream: counts its requests and retries over a sliding window and allows a retry only
 * while retries stay within the configured share of the requests (or the minimum per second). Lock-free.
 */
public final class RetryBudget {

    private final double ratio;
    private final long minRetries;
    private final SlidingCounts counts;

    RetryBudget(RetryBudgetConfig config) {
        this.ratio = config.ratio();
        this.minRetries = config.minRetriesPerSecond() * Math.max(1, config.window().toSeconds());
        this.counts = new SlidingCounts(config.window().toNanos());
    }

    /** Counts a request (its first attempt). */
    public void request(long now) {
        counts.add(now, 1, 0);
    }

    /** @return whether one more retry fits the budget; if it does, it is counted */
    public boolean tryRetry(long now) {
        counts.add(now, 0, 1);
        SlidingCounts.Sums sums = counts.sums(now);
        if (sums.second() <= allowed(sums)) {
            return true;
        }
        counts.add(now, 0, -1);
        return false;
    }

    private long allowed(SlidingCounts.Sums sums) {
        return Math.max(minRetries, (long) Math.floor(ratio * sums.first()));
    }

    /** @return the counts of the window, for the admin API */
    public Map<String, Object> view(long now) {
        SlidingCounts.Sums sums = counts.sums(now);
        return Map.of("requests", sums.first(), "retries", sums.second(), "retries_allowed", allowed(sums));
    }
}
