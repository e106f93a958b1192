package io.gatehouse.core.script;

import io.gatehouse.api.Body;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.UpstreamCalls;
import org.graalvm.polyglot.PolyglotException;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Runs a new script version's {@code filter} on synthetic requests before the version serves, so that its first
 * real requests find the engine's code for it (shared by every Context of the version, and the prelude's by every
 * script) specialised, profiled and queued for compilation rather than cold. Without it, the first seconds after a
 * start or a save ran the interpreter in 32 fresh Contexts while the one Truffle compiler thread had nothing to
 * work on yet.
 * <p>
 * Safe by construction, whatever the script does: the calls run in a throwaway Context of the version (so module
 * state such as a counter or a cache in the serving Contexts never sees them), whose {@code console} goes nowhere
 * and whose {@code log} calls are dropped; the exchange is made up (GET {@code /}, no body, no consumer), {@code
 * chain.proceed} answers a canned 200 without leaving the gateway, and every fetch is refused before it starts (no
 * upstream has a name here), as an unknown upstream would be. A call that throws, rejects or returns something that
 * is not a response is simply the next call's business; one that runs past {@link #CALL_BUDGET} is stopped by the
 * watchdog like any runaway call, and warm-up ends there. Nothing the warm-up sees decides whether the version
 * loads: it runs after the version has loaded.
 */
final class WarmUp {

    /**
     * Calls at most: past the Truffle runtime's first-tier threshold (400 calls) for the filter and the prelude
     * functions it uses, so their compilation is queued before the version serves.
     */
    static final int CALLS = 1000;
    /** Time at most, so a slow filter (or a busy machine) delays a reload, or the start, by no more than this. */
    static final Duration TIME = Duration.ofMillis(500);
    /** One call's JavaScript time; past it the watchdog cancels the warm-up Context. */
    static final Duration CALL_BUDGET = Duration.ofSeconds(1);

    private static final UpstreamCalls NO_UPSTREAMS = new UpstreamCalls() {
        @Override
        public Set<String> names() {
            return Set.of();
        }

        @Override
        public Response call(String upstream, Request request, Duration timeout, GatewayExchange parent) {
            throw new IllegalStateException("a warm-up call never reaches an upstream");
        }
    };
    private static final Chain CANNED = exchange -> new Response(200, Headers.of("Content-Type", "text/plain",
            "Content-Length", "7"), Body.of("warm-up"));

    private WarmUp() {
    }

    /**
     * Runs up to {@link #CALLS} calls in {@code context} (a Context made for the warm-up, which the caller closes)
     * for at most {@link #TIME}.
     *
     * @return the number of calls made; fewer than {@link #CALLS} when time ran out or a call was stopped
     */
    static int run(String script, ScriptVersion.ScriptContext context) {
        long deadline = System.nanoTime() + TIME.toNanos();
        Semaphore noFetches = new Semaphore(0);
        int calls = 0;
        while (calls < CALLS && System.nanoTime() - deadline < 0) {
            calls++;
            if (!call(script, context, noFetches)) {
                break;
            }
        }
        return calls;
    }

    /** @return false when the call was stopped (its Context is cancelled) or the thread was interrupted */
    private static boolean call(String script, ScriptVersion.ScriptContext context, Semaphore noFetches) {
        GatewayExchange exchange = new GatewayExchange("warm-up", request(), "warm-up", Map.of(), "127.0.0.1",
                "127.0.0.1:0", System.nanoTime());
        ScriptCall call = new ScriptCall(script, exchange, CANNED, NO_UPSTREAMS, ScriptHost.BODY_LIMIT,
                Duration.ofSeconds(1), CALL_BUDGET, noFetches, true);
        context.running(call);
        try {
            context.execute(call, "{}");
            while (!call.settled() && call.pendingFetches() > 0) {
                call.deliverNext();   // a refused fetch: delivered at once
            }
            return !call.killed();
        } catch (PolyglotException e) {
            return !call.killed() && !e.isCancelled();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IllegalStateException e) {
            if (call.killed()) {
                return false;
            }
            throw e;
        } finally {
            call.pause();
            context.running(null);
            call.finish();
            call.end(null);
        }
    }

    private static Request request() {
        return new Request("GET", "http", "localhost", "/", "", Headers.of("Host", "localhost",
                "User-Agent", "gatehouse-warm-up", "Accept", "*/*"), Body.empty());
    }
}
