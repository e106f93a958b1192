package io.gatehouse.core.config;

import java.time.Duration;
import java.util.List;

/**
 * One upstream: where its endpoints come from, how one is chosen, how its health is watched and how failed
 * requests are retried.
 *
 * @param discovery      the discovery component ({@code type} names it), e.g. {@code {type: static, endpoints: [...]}};
 *                       required (checked by {@link ConfigValidator})
 * @param balancer       the load balancer ({@code type} names it); default {@code {type: round_robin}}
 * @param connectTimeout how long to wait for a TCP connection; default {@code 2s}
 * @param health         active and passive health checking; default passive only (5 consecutive failures)
 * @param retries        how many more endpoints to try after a failure, within the route's timeout; default 2
 * @param retryOnStatus  upstream statuses that count as failures worth retrying (of 502, 503, 504) for idempotent
 *                       requests; default none (connect failures and dead connections are always retried)
 * @param allowEmpty     whether discovery may leave the upstream with no endpoint at all; default {@code false}:
 *                       an empty update keeps the last non-empty set (health checks eject dead ones)
 * @param readIdleTimeout once the response head has arrived, the longest wait for more of its body → the response
 *                       is cut off; default {@code 60s}. (The head itself has the route's {@code timeout}.)
 * @param writeTimeout   the longest one write of the request may block, i.e. an upstream that stops reading an
 *                       upload → {@code 504}; default {@code 60s}
 * @param circuitBreaker a circuit breaker per endpoint; default none
 * @param retryBudget    the share of extra load retries may add; default 20 % (at least 3 retries a second) over
 *                       {@code 10s}
 * @param tls            how {@code https://} endpoints are verified, and the client certificate for them; default
 *                       the JDK's trust store with host name verification
 * @param transport      the transport component ({@code type} names it, e.g. {@code {type: grpc, ...}}) that sends
 *                       requests to the endpoints instead of the HTTP/1.1 proxy; default none
 */
public record UpstreamConfig(ComponentSpec discovery, ComponentSpec balancer, Duration connectTimeout,
                             HealthConfig health, Integer retries, List<Integer> retryOnStatus, boolean allowEmpty,
                             Duration readIdleTimeout, Duration writeTimeout, CircuitBreakerConfig circuitBreaker,
                             RetryBudgetConfig retryBudget, UpstreamTlsConfig tls,
                             ComponentSpec transport) {
    public UpstreamConfig {
        balancer = balancer == null ? ComponentSpec.ofType("round_robin") : balancer;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
        readIdleTimeout = readIdleTimeout == null ? Duration.ofSeconds(60) : readIdleTimeout;
        writeTimeout = writeTimeout == null ? Duration.ofSeconds(60) : writeTimeout;
        health = health == null ? new HealthConfig(null, null) : health;
        retries = retries == null ? 2 : retries;
        retryOnStatus = retryOnStatus == null ? List.of() : retryOnStatus;
        retryBudget = retryBudget == null ? new RetryBudgetConfig(null, null, null) : retryBudget;
        tls = tls == null ? new UpstreamTlsConfig(null, null, false, null, null, null) : tls;
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
        for (int status : retryOnStatus) {
            if (status != 502 && status != 503 && status != 504) {
                throw new IllegalArgumentException("retry_on_status may list 502, 503 and 504, got " + status);
            }
        }
    }

    /** An upstream whose https endpoints are verified against the JDK's trust store. */
    public UpstreamConfig(ComponentSpec discovery, ComponentSpec balancer, Duration connectTimeout,
                          HealthConfig health, Integer retries, List<Integer> retryOnStatus, boolean allowEmpty,
                          Duration readIdleTimeout, Duration writeTimeout, CircuitBreakerConfig circuitBreaker,
                          RetryBudgetConfig retryBudget) {
        this(discovery, balancer, connectTimeout, health, retries, retryOnStatus, allowEmpty, readIdleTimeout,
                writeTimeout, circuitBreaker, retryBudget, null, null);
    }

    /** An upstream with the default timeouts. */
    public UpstreamConfig(ComponentSpec discovery, ComponentSpec balancer, Duration connectTimeout,
                          HealthConfig health, Integer retries, List<Integer> retryOnStatus, boolean allowEmpty) {
        this(discovery, balancer, connectTimeout, health, retries, retryOnStatus, allowEmpty, null, null, null, null,
                null, null);
    }
}
