package io.gatehouse.core.upstream;

import io.gatehouse.core.config.CircuitBreakerConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The circuit breaker of one endpoint: closed → open when the failure rate over a sliding window crosses the
 * threshold (once enough requests were counted) or after enough failures in a row; open for a time that doubles on
 * repeated trips; then half-open, letting a bounded number of probes through, whose success closes it and whose
 * failure opens it again. Lock-free: the state is one immutable value swapped by compare-and-set, the counts are
 * atomics; only the winner of a transition reports it.
 */
final class CircuitBreaker {

    enum Phase {
        CLOSED, OPEN, HALF_OPEN;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Told of each transition, once: what happened, and whether the endpoint became unavailable. */
    @FunctionalInterface
    interface Transitions {
        void changed(String what, boolean opened);
    }

    /**
     * @param since   when the phase began (half-open: when its probes were last handed out)
     * @param until   when an open phase ends
     * @param permits probes still to hand out (half-open)
     * @param passed  probes that succeeded (half-open)
     * @param trips   consecutive trips, for the growing open time
     */
    private record State(Phase phase, long since, long until, int permits, int passed, int trips) {
    }

    private final CircuitBreakerConfig config;
    private final long windowNanos;
    private final Transitions transitions;
    private final AtomicReference<State> state;
    private final AtomicInteger streak = new AtomicInteger();
    private final SlidingCounts counts;

    CircuitBreaker(CircuitBreakerConfig config, Transitions transitions, long now) {
        this.config = config;
        this.windowNanos = config.window().toNanos();
        this.transitions = transitions;
        this.state = new AtomicReference<>(new State(Phase.CLOSED, now, 0, 0, 0, 0));
        this.counts = new SlidingCounts(windowNanos);
    }

    /** @return whether the circuit is open at {@code now}: the endpoint is not to be chosen */
    boolean open(long now) {
        State s = state.get();
        return s.phase == Phase.OPEN && now - s.until < 0;
    }

    /** @return when the open circuit closes to probes, or {@link Long#MAX_VALUE} when it is not open */
    long openUntil() {
        State s = state.get();
        return s.phase == Phase.OPEN ? s.until : Long.MAX_VALUE;
    }

    /**
     * @return how long until a request may pass: the rest of the open time, 0 while half-open with every probe out,
     *         or -1 when one may pass now
     */
    long waitNanos(long now) {
        State s = state.get();
        return switch (s.phase) {
            case OPEN -> Math.max(0, s.until - now);
            case HALF_OPEN -> s.permits > 0 ? -1 : 0;
            case CLOSED -> -1;
        };
    }

    /**
     * Takes the permission to send one request: always while closed, never while open, and one of the bounded
     * probes while half-open.
     */
    boolean tryAcquire(long now) {
        while (true) {
            State s = state.get();
            switch (s.phase) {
                case CLOSED -> {
                    return true;
                }
                case OPEN -> {
                    if (now - s.until < 0) {
                        return false;
                    }
                    if (state.compareAndSet(s, probing(s, now))) {
                        transitions.changed("half-open after " + Duration.ofNanos(s.until - s.since).toMillis()
                                + " ms: letting " + config.halfOpenRequests() + " probe request(s) through", false);
                        return true;
                    }
                }
                case HALF_OPEN -> {
                    if (s.permits > 0) {
                        if (state.compareAndSet(s, new State(s.phase, s.since, s.until, s.permits - 1, s.passed,
                                s.trips))) {
                            return true;
                        }
                    } else if (now - s.since - openNanos(s.trips) >= 0) {
                        // probes that never reported (lost with their caller) must not keep it half-open for ever
                        if (state.compareAndSet(s, probing(s, now))) {
                            return true;
                        }
                    } else {
                        return false;
                    }
                }
            }
        }
    }

    private State probing(State s, long now) {
        return new State(Phase.HALF_OPEN, now, 0, config.halfOpenRequests() - 1, 0, s.trips);
    }

    /** Records the end of a request that {@link #tryAcquire} let through: a success or the upstream's failure. */
    void record(long now, boolean failure) {
        State s = state.get();
        if (s.phase == Phase.CLOSED) {
            recordClosed(s, now, failure);
        } else if (s.phase == Phase.HALF_OPEN) {
            recordProbe(now, failure);
        }
        // open: the answer to a request sent before it opened; nothing to learn
    }

    private void recordClosed(State s, long now, boolean failure) {
        counts.add(now, 1, failure ? 1 : 0);
        if (!failure) {
            if (streak.get() != 0) {
                streak.set(0);
            }
            return;
        }
        int inARow = streak.incrementAndGet();
        String why = null;
        if (config.consecutiveFailures() > 0 && inARow >= config.consecutiveFailures()) {
            why = inARow + " failures in a row";
        } else if (config.failureRateThreshold() > 0) {
            SlidingCounts.Sums sums = counts.sums(now);
            if (sums.first() >= config.minimumRequests()
                    && sums.second() * 100 >= (long) config.failureRateThreshold() * sums.first()) {
                why = "failure rate " + (sums.second() * 100 / sums.first()) + " % of " + sums.first()
                        + " requests in " + config.window().toMillis() + " ms";
            }
        }
        if (why != null) {
            // a trip soon after closing is a repeat: it stays open longer
            int trips = s.trips > 0 && now - s.since - windowNanos < 0 ? s.trips + 1 : 1;
            trip(s, now, trips, why);
        }
    }

    private void recordProbe(long now, boolean failure) {
        while (true) {
            State s = state.get();
            if (s.phase != Phase.HALF_OPEN) {
                return;
            }
            if (failure) {
                trip(s, now, s.trips + 1, "a probe failed");
                return;
            }
            if (s.passed + 1 >= config.halfOpenRequests()) {
                if (state.compareAndSet(s, new State(Phase.CLOSED, now, 0, 0, 0, s.trips))) {
                    counts.reset();
                    streak.set(0);
                    transitions.changed("closed: " + (s.passed + 1) + " probe(s) succeeded", false);
                    return;
                }
            } else if (state.compareAndSet(s, new State(s.phase, s.since, s.until, s.permits, s.passed + 1,
                    s.trips))) {
                return;
            }
        }
    }

    private void trip(State s, long now, int trips, String why) {
        long open = openNanos(trips);
        if (state.compareAndSet(s, new State(Phase.OPEN, now, now + open, 0, 0, trips))) {
            transitions.changed("open for " + Duration.ofNanos(open).toMillis() + " ms (" + why + ")", true);
        }
    }

    /** Gives back the probe of a request that ended as nobody's failure (a client that went away). */
    void release() {
        while (true) {
            State s = state.get();
            if (s.phase != Phase.HALF_OPEN || s.permits >= config.halfOpenRequests() - s.passed
                    || state.compareAndSet(s, new State(s.phase, s.since, s.until, s.permits + 1, s.passed,
                    s.trips))) {
                return;
            }
        }
    }

    private long openNanos(int trips) {
        int doublings = Math.min(Math.max(trips, 1) - 1, 20);
        return Math.min(config.openTime().toNanos() << doublings, config.maxOpenTime().toNanos());
    }

    /** @return the state for the admin API */
    Map<String, Object> view(long now) {
        State s = state.get();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("state", s.phase.label());
        if (s.phase == Phase.OPEN) {
            view.put("open_for_ms", Math.max(0, (s.until - now) / 1_000_000));
        }
        view.put("trips", s.trips);
        SlidingCounts.Sums sums = counts.sums(now);
        view.put("requests", sums.first());
        view.put("failures", sums.second());
        view.put("consecutive_failures", streak.get());
        return view;
    }
}
