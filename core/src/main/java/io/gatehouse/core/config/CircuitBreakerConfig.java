package io.gatehouse.core.config;

import java.time.Duration;
import java.util.List;

/**
 * A circuit breaker for each endpoint of an upstream: closed while the endpoint does well; open (the endpoint gets
 * no request at all) once too many of its requests fail; half-open when the open time is over, letting a few probe
 * requests through, whose success closes it again.
 *
 * @param failureRateThreshold the failure rate, in percent, over {@code window} that opens the circuit once at least
 *                             {@code minimum_requests} requests were counted; default 50 ({@code 0} disables the
 *                             rate)
 * @param minimumRequests      requests within {@code window} before the failure rate is judged; default 20
 * @param window               the sliding window the rate is taken over; default {@code 10s}
 * @param consecutiveFailures  failures in a row that open the circuit whatever the rate; default 0 (off)
 * @param openTime             how long the circuit stays open the first time; default {@code 5s}; it doubles each
 *                             time a probe fails, or the circuit trips again within a {@code window} of closing
 * @param maxOpenTime          the longest it stays open; default {@code 1m}
 * @param halfOpenRequests     probe requests let through at once when half-open, and successful probes that close
 *                             it; default 1
 * @param failureStatuses      upstream statuses that count as failures (connect failures, resets, timeouts and
 *                             invalid responses always do); default {@code [502, 503, 504]}
 */
public record CircuitBreakerConfig(Integer failureRateThreshold, Integer minimumRequests, Duration window,
                                   Integer consecutiveFailures, Duration openTime, Duration maxOpenTime,
                                   Integer halfOpenRequests, List<Integer> failureStatuses) {
    public CircuitBreakerConfig {
        failureRateThreshold = failureRateThreshold == null ? 50 : failureRateThreshold;
        minimumRequests = minimumRequests == null ? 20 : minimumRequests;
        window = window == null ? Duration.ofSeconds(10) : window;
        consecutiveFailures = consecutiveFailures == null ? 0 : consecutiveFailures;
        openTime = openTime == null ? Duration.ofSeconds(5) : openTime;
        maxOpenTime = maxOpenTime == null ? Duration.ofMinutes(1) : maxOpenTime;
        halfOpenRequests = halfOpenRequests == null ? 1 : halfOpenRequests;
        failureStatuses = failureStatuses == null ? List.of(502, 503, 504) : List.copyOf(failureStatuses);
        if (failureRateThreshold < 0 || failureRateThreshold > 100) {
            throw new IllegalArgumentException("failure_rate_threshold must be between 0 and 100 (percent), got "
                    + failureRateThreshold);
        }
        if (minimumRequests < 1) {
            throw new IllegalArgumentException("minimum_requests must be at least 1, got " + minimumRequests);
        }
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutive_failures must be >= 0, got " + consecutiveFailures);
        }
        if (failureRateThreshold == 0 && consecutiveFailures == 0) {
            throw new IllegalArgumentException("failure_rate_threshold and consecutive_failures are both 0: the "
                    + "circuit could never open (remove circuit_breaker to have none)");
        }
        if (halfOpenRequests < 1) {
            throw new IllegalArgumentException("half_open_requests must be at least 1, got " + halfOpenRequests);
        }
        for (int status : failureStatuses) {
            if (status < 500 || status > 599) {
                throw new IllegalArgumentException("failure_statuses may list 5xx statuses only, got " + status);
            }
        }
    }
}
