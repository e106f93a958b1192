package io.gatehouse.core.upstream;

import io.gatehouse.core.config.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The breaker's state machine, on a clock the test moves by hand (nanoseconds passed in). */
class CircuitBreakerTest {

    private static final long SECOND = 1_000_000_000L;
    private final List<String> transitions = new ArrayList<>();

    private CircuitBreaker breaker(Integer rate, Integer minimum, Integer inARow, Integer probes) {
        CircuitBreakerConfig config = new CircuitBreakerConfig(rate, minimum, Duration.ofSeconds(10), inARow,
                Duration.ofSeconds(5), Duration.ofSeconds(30), probes, null);
        return new CircuitBreaker(config, (what, opened) -> transitions.add((opened ? "OPEN " : "") + what), 0);
    }

    @Test
    void opensWhenTheFailureRateCrossesTheThresholdOnlyAfterTheMinimumRequests() {
        CircuitBreaker breaker = breaker(50, 10, 0, 1);
        for (int i = 0; i < 9; i++) {
            assertTrue(breaker.tryAcquire(i));
            breaker.record(i, true);
        }
        assertFalse(breaker.open(9), "9 failures are below the minimum of 10 requests");
        breaker.record(9, true);
        assertTrue(breaker.open(10));
        assertFalse(breaker.tryAcquire(10));
        assertEquals(1, transitions.size(), transitions.toString());
        assertTrue(transitions.getFirst().startsWith("OPEN open for 5000 ms (failure rate 100 % of 10 requests"),
                transitions.toString());
    }

    @Test
    void aRateBelowTheThresholdKeepsItClosed() {
        CircuitBreaker breaker = breaker(50, 10, 0, 1);
        for (int i = 0; i < 100; i++) {
            breaker.record(i, i % 3 == 0); // 34 %
        }
        assertFalse(breaker.open(100));
        assertTrue(transitions.isEmpty());
    }

    @Test
    void failuresInARowOpenIt() {
        CircuitBreaker breaker = breaker(0, 1, 3, 1);
        breaker.record(0, true);
        breaker.record(1, true);
        breaker.record(2, false);
        breaker.record(3, true);
        breaker.record(4, true);
        assertFalse(breaker.open(5), "a success ended the streak");
        breaker.record(5, true);
        assertTrue(breaker.open(6));
    }

    @Test
    void halfOpenLetsABoundedNumberOfProbesThroughAndTheirSuccessClosesIt() {
        CircuitBreaker breaker = breaker(0, 1, 1, 2);
        breaker.record(0, true);
        assertFalse(breaker.tryAcquire(5 * SECOND - 1));
        assertTrue(breaker.tryAcquire(5 * SECOND), "first probe");
        assertTrue(breaker.tryAcquire(5 * SECOND), "second probe");
        assertFalse(breaker.tryAcquire(5 * SECOND), "no third probe while two are out");
        breaker.record(6 * SECOND, false);
        assertFalse(breaker.tryAcquire(6 * SECOND), "still half-open after one success of two");
        breaker.record(6 * SECOND, false);
        assertTrue(breaker.tryAcquire(6 * SECOND), "closed");
        assertEquals(List.of("OPEN open for 5000 ms (1 failures in a row)",
                "half-open after 5000 ms: letting 2 probe request(s) through", "closed: 2 probe(s) succeeded"),
                transitions);
    }

    @Test
    void aFailedProbeOpensItAgainForLongerUpToTheMaximum() {
        CircuitBreaker breaker = breaker(0, 1, 1, 1);
        breaker.record(0, true);
        long now = 0;
        long[] expected = {10, 20, 30, 30};
        for (long seconds : expected) {
            now += breaker.waitNanos(now);
            assertTrue(breaker.tryAcquire(now));
            breaker.record(now, true);
            assertEquals(seconds * SECOND, breaker.waitNanos(now));
        }
    }

    @Test
    void aTripSoonAfterClosingIsARepeat() {
        CircuitBreaker breaker = breaker(0, 1, 1, 1);
        breaker.record(0, true);
        assertTrue(breaker.tryAcquire(5 * SECOND));
        breaker.record(5 * SECOND, false);
        breaker.record(6 * SECOND, true);
        assertEquals(10 * SECOND, breaker.waitNanos(6 * SECOND), "tripped again within the window: doubled");
        assertTrue(breaker.tryAcquire(16 * SECOND));
        breaker.record(16 * SECOND, false);
        breaker.record(40 * SECOND, true);
        assertEquals(5 * SECOND, breaker.waitNanos(40 * SECOND), "long after closing: the first open time");
    }

    @Test
    void aProbeEndedByTheClientIsGivenBackAndALostOneIsReplacedAfterAnOpenTime() {
        CircuitBreaker breaker = breaker(0, 1, 1, 1);
        breaker.record(0, true);
        assertTrue(breaker.tryAcquire(5 * SECOND));
        assertFalse(breaker.tryAcquire(5 * SECOND));
        breaker.release();
        assertTrue(breaker.tryAcquire(5 * SECOND), "the released probe can be taken again");
        assertFalse(breaker.tryAcquire(9 * SECOND));
        assertTrue(breaker.tryAcquire(10 * SECOND), "a probe that never reported is replaced");
    }

    @Test
    void answersToRequestsSentBeforeItOpenedAreIgnored() {
        CircuitBreaker breaker = breaker(0, 1, 1, 1);
        breaker.record(0, true);
        breaker.record(1, false);
        breaker.record(2, true);
        assertEquals(5 * SECOND, breaker.waitNanos(0));
        assertEquals(1, transitions.size());
    }
}
