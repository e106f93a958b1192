package io.gatehouse.core.upstream;

import io.gatehouse.core.config.RetryBudgetConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retry budget over its sliding window, on a clock the test moves by hand. */
class RetryBudgetTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void retriesStayWithinTheRatioOfRequests() {
        RetryBudget budget = new RetryBudget(new RetryBudgetConfig(0.2, 0, Duration.ofSeconds(10)));
        for (int i = 0; i < 100; i++) {
            budget.request(SECOND);
        }
        int allowed = 0;
        while (budget.tryRetry(SECOND)) {
            allowed++;
        }
        assertEquals(20, allowed);
        budget.request(SECOND);
        budget.request(SECOND);
        budget.request(SECOND);
        budget.request(SECOND);
        budget.request(SECOND);
        assertTrue(budget.tryRetry(SECOND), "five more requests earn one more retry");
        assertFalse(budget.tryRetry(SECOND));
    }

    @Test
    void theMinimumLetsLowTrafficRetry() {
        RetryBudget budget = new RetryBudget(new RetryBudgetConfig(0.2, 3, Duration.ofSeconds(10)));
        budget.request(0);
        int allowed = 0;
        while (budget.tryRetry(0)) {
            allowed++;
        }
        assertEquals(30, allowed, "3 a second over a 10 s window");
    }

    @Test
    void theWindowSlides() {
        RetryBudget budget = new RetryBudget(new RetryBudgetConfig(0.5, 0, Duration.ofSeconds(10)));
        for (int i = 0; i < 10; i++) {
            budget.request(0);
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(budget.tryRetry(0));
        }
        assertFalse(budget.tryRetry(5 * SECOND));
        assertFalse(budget.tryRetry(11 * SECOND), "the requests have left the window, and so have the retries");
        for (int i = 0; i < 2; i++) {
            budget.request(11 * SECOND);
        }
        assertTrue(budget.tryRetry(11 * SECOND));
        assertFalse(budget.tryRetry(11 * SECOND));
    }
}
