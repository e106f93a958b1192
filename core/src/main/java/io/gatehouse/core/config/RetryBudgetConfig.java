package io.gatehouse.core.config;

import java.time.Duration;

/**
 * How much extra load retries may put on an upstream (Envoy's and Linkerd's retry budgets): over a sliding
 * {@code window}, retries stay within {@code ratio} of the requests, or {@code min_retries_per_second} per second of
 * the window when that is more, so that low traffic can still retry.
 *
 * @param ratio               retries allowed per request, e.g. {@code 0.2} for at most 20 % extra load; default 0.2
 * @param minRetriesPerSecond retries allowed whatever the ratio, per second of {@code window}; default 3
 * @param window              the sliding window requests and retries are counted over; default {@code 10s}
 */
public record RetryBudgetConfig(Double ratio, Integer minRetriesPerSecond, Duration window) {
    public RetryBudgetConfig {
        ratio = ratio == null ? 0.2 : ratio;
        minRetriesPerSecond = minRetriesPerSecond == null ? 3 : minRetriesPerSecond;
        window = window == null ? Duration.ofSeconds(10) : window;
        if (ratio < 0 || ratio.isNaN()) {
            throw new IllegalArgumentException("ratio must be >= 0, got " + ratio);
        }
        if (minRetriesPerSecond < 0) {
            throw new IllegalArgumentException("min_retries_per_second must be >= 0, got " + minRetriesPerSecond);
        }
    }
}
