package io.gatehouse.plugins.auth.apikey;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls until something holds, with a deadline generous enough for a busy machine: tests never assert on time. */
final class Await {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private Await() {
    }

    /** Waits until {@code actual} returns {@code expected}. */
    static void value(String expected, Callable<String> actual) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        String last;
        while (!(last = actual.call()).equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + expected + " within " + DEADLINE.toSeconds() + " s, still "
                        + last);
            }
            Thread.sleep(20);
        }
    }
}
