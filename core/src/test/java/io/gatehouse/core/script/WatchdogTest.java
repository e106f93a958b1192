package io.gatehouse.core.script;

import io.gatehouse.api.Body;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watchdog charges a script call only for time the JVM ran: a stop-the-world pause longer than the budget (a
 * full collection) stops no call, while a runaway is still stopped once it has used its budget on timely ticks.
 * Ticks are driven by hand with made-up times; the budget is long enough that the watchdog's own thread (real
 * time) never reaches it while the test runs.
 */
class WatchdogTest {

    private static final long MS = 1_000_000;
    private static final long TICK = 5 * MS;
    private final Watchdog watchdog = new Watchdog();

    @AfterEach
    void close() {
        watchdog.close();
    }

    @Test
    void aStallIsNotChargedToTheRunningCall() {
        Watched target = running(Duration.ofSeconds(1));
        long start = target.startedAt;
        watchdog.tick(start + 100 * MS, TICK);
        watchdog.tick(start + 5_100 * MS, 5_000 * MS);   // the JVM stopped for ~5 s
        watchdog.tick(start + 5_105 * MS, TICK);
        assertFalse(target.cancelled.get(), "a 5 s stall stopped a call with a 1 s budget");
        assertFalse(target.call.killed());
    }

    @Test
    void aRunawayIsStoppedOnTimelyTicksEvenAfterAStall() {
        Watched target = running(Duration.ofSeconds(1));
        long start = target.startedAt;
        watchdog.tick(start + 5_000 * MS, 5_000 * MS);
        long now = start + 5_000 * MS;
        for (int i = 0; i < 250 && !target.call.killed(); i++) {   // up to 1.25 s more of running JavaScript
            now += TICK;
            watchdog.tick(now, TICK);
        }
        assertTrue(target.call.killed(), "a call past its budget on timely ticks was not stopped");
    }

    @Test
    void withoutStallsTheBudgetIsWallTimeInJavaScript() {
        Watched target = running(Duration.ofSeconds(1));
        watchdog.tick(target.startedAt + 900 * MS, TICK);
        assertFalse(target.call.killed());
        watchdog.tick(target.startedAt + 1_100 * MS, TICK);
        assertTrue(target.call.killed());
    }

    private Watched running(Duration budget) {
        Request request = new Request("GET", "http", "localhost", "/", "", Headers.of("Host", "localhost"),
                Body.empty());
        GatewayExchange exchange = new GatewayExchange("test", request, "test", Map.of(), "127.0.0.1",
                "127.0.0.1:0", System.nanoTime());
        ScriptCall call = new ScriptCall("test.js", exchange, e -> new Response(200, Headers.of(), Body.empty()),
                null, ScriptHost.BODY_LIMIT, Duration.ofSeconds(1), budget, new Semaphore(0), true);
        long startedAt = System.nanoTime();
        call.resume();
        Watched target = new Watched(call, startedAt);
        watchdog.register(target);
        return target;
    }

    private static final class Watched implements Watchdog.Watched {
        final ScriptCall call;
        final long startedAt;
        final AtomicBoolean cancelled = new AtomicBoolean();

        Watched(ScriptCall call, long startedAt) {
            this.call = call;
            this.startedAt = startedAt;
        }

        @Override
        public boolean overBudget(long now) {
            return call.overBudget(now);
        }

        @Override
        public void stalled(long nanos) {
            call.stalled(nanos);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }
}
