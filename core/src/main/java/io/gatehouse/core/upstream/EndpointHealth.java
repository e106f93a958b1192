package io.gatehouse.core.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the gateway knows about one endpoint's health: passive failures in a row, ejection, and the active
 * checker's verdict. Counters are atomic; transitions happen under the upstream's lock.
 */
final class EndpointHealth {

    final AtomicInteger consecutiveFailures = new AtomicInteger();
    volatile boolean activeHealthy = true;
    volatile long ejectedUntilNanos;
    volatile int ejections;
    volatile String lastCheck = "none";
    int activePasses;
    int activeFailures;

    boolean ejected(long now) {
        return ejectedUntilNanos != 0 && now - ejectedUntilNanos < 0;
    }

    boolean available(long now) {
        return activeHealthy && !ejected(now);
    }

    String state(long now) {
        if (!activeHealthy) {
            return "unhealthy";
        }
        return ejected(now) ? "ejected" : "healthy";
    }
}
