package io.gatehouse.core.config;

import java.time.Duration;

/**
 * Health checking of an upstream's endpoints.
 *
 * @param active  periodic probes; default none
 * @param passive outlier ejection from real traffic; default on with its defaults
 */
public record HealthConfig(Active active, Passive passive) {
    public HealthConfig {
        passive = passive == null ? new Passive(null, null, null) : passive;
    }

    /**
     * Active checks: an HTTP GET to every endpoint at an interval.
     *
     * @param path               the path to probe; default {@code /health}
     * @param interval           time between probes; default {@code 5s}
     * @param timeout            the longest a probe may take; default {@code 1s}
     * @param healthyThreshold   consecutive passes that make an endpoint healthy; default 2
     * @param unhealthyThreshold consecutive failures that make it unhealthy; default 3
     * @param expectedStatuses   the statuses that pass, as a range {@code 200-399}; default {@code 200-399}
     */
    public record Active(String path, Duration interval, Duration timeout, Integer healthyThreshold,
                         Integer unhealthyThreshold, String expectedStatuses) {
        public Active {
            path = path == null ? "/health" : path;
            interval = interval == null ? Duration.ofSeconds(5) : interval;
            timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
            healthyThreshold = healthyThreshold == null ? 2 : healthyThreshold;
            unhealthyThreshold = unhealthyThreshold == null ? 3 : unhealthyThreshold;
            expectedStatuses = expectedStatuses == null ? "200-399" : expectedStatuses;
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/', got '" + path + "'");
            }
            if (healthyThreshold < 1 || unhealthyThreshold < 1) {
                throw new IllegalArgumentException("thresholds must be >= 1");
            }
            statusRange(expectedStatuses);
        }

        /** @return {low, high} of {@code expected_statuses} */
        public int[] statusRange() {
            return statusRange(expectedStatuses);
        }

        private static int[] statusRange(String text) {
            String[] parts = text.trim().split("-");
            try {
                int low = Integer.parseInt(parts[0].trim());
                int high = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : low;
                if (parts.length <= 2 && low >= 100 && high <= 599 && low <= high) {
                    return new int[]{low, high};
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException("expected_statuses must be a status or a range like 200-399, got '"
                    + text + "'");
        }
    }

    /**
     * Passive checks (outlier ejection): connect failures, timeouts and 5xx answers in a row eject an endpoint for
     * a cool-down that doubles on each repeat, up to a cap.
     *
     * @param consecutiveFailures failures in a row that eject; default 5 ({@code 0} disables)
     * @param ejectionTime        the first cool-down; default {@code 10s}
     * @param maxEjectionTime     the longest cool-down; default {@code 5m}
     */
    public record Passive(Integer consecutiveFailures, Duration ejectionTime, Duration maxEjectionTime) {
        public Passive {
            consecutiveFailures = consecutiveFailures == null ? 5 : consecutiveFailures;
            ejectionTime = ejectionTime == null ? Duration.ofSeconds(10) : ejectionTime;
            maxEjectionTime = maxEjectionTime == null ? Duration.ofMinutes(5) : maxEjectionTime;
            if (consecutiveFailures < 0) {
                throw new IllegalArgumentException("consecutive_failures must be >= 0");
            }
        }
    }
}
