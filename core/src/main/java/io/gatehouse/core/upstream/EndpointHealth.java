package io.gatehouse.core.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the gateway knows about one endpoint's health: passive failures in a row, ejection, and the active
 * checker's verdict. Counters are atomic; transitions happen under the upstream's lock.
 */
final class EndpointHealth {

    /** The endpoint's circuit breaker, or {@code null} when its upstream has none. */
    final CircuitBreaker breaker;

    final AtomicInteger consecutiveFailures = new AtomicInteger();
    volatile boolean activeHealthy = true;
    volatile long ejectedUntilNanos;
    volatile int ejections;
    volatile String lastCheck = "none";
    int activePasses;
    int activeFailures;

    EndpointHealth(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    boolean ejected(long now) {
        return ejectedUntilNanos != 0 && now - ejectedUntilNanos < 0;
    }

    /** Whether the endpoint may be chosen: healthy, not ejected, and its circuit (if any) not open. */
    boolean available(long now) {
        return activeHealthy && !ejected(now) && (breaker == null || !breaker.open(now));
    }

    /** @return when the endpoint may be chosen again if only time is needed (ejection, open circuit), else MAX */
    long availableAgainAt(long now) {
        long at = ejected(now) ? ejectedUntilNanos : Long.MAX_VALUE;
        if (breaker != null && breaker.open(now) && breaker.openUntil() - at < 0) {
            at = breaker.openUntil();
        }
        return at;
    }

    String state(long now) {
        if (!activeHealthy) {
            return "unhealthy";
        }
        return ejected(now) ? "ejected" : "healthy";
    }
}
