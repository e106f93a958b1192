package io.gatehouse.core.script;

import io.gatehouse.api.Body;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.UpstreamCalls;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The upstream fetches of one script call, each on a virtual thread. A call has at most
 * {@link #IN_FLIGHT_PER_CALL} running (the others wait their turn, in order) and starts at most
 * {@link #MAX_PER_CALL} in all; the gateway runs at most as many as its shared permits allow, and a fetch beyond
 * them is refused at once (shedding load, as Envoy's circuit breakers do, rather than queueing it). Results reach
 * the call's own thread through a queue, so promises settle there.
 *
 * <p>When the call ends, {@link #cancel} drops the waiting fetches and aborts the running ones, waiting for their
 * head or reading their body: their connections are closed, and the proxy counts that as a cancellation, never as
 * the upstream's failure.
 */
final class ScriptFetches {

    static final int IN_FLIGHT_PER_CALL = 16;
    static final int MAX_PER_CALL = 256;

    /** A fetch the script asked for; the callbacks run on the call's thread. */
    record Fetch(String upstream, Request request, Duration timeout, Consumer<HostResponse> onOk, Failure onError) {
    }

    /** Why a fetch has no response: the error code, a detail for the script, the status its failure means. */
    @FunctionalInterface
    interface Failure {
        void failed(String code, String detail, int status);
    }

    /** A fetch's outcome, to deliver on the call's thread; {@code ran}: it held a slot and a permit. */
    private record Completion(boolean ran, Runnable deliver) {
    }

    private final UpstreamCalls upstreams;
    private final GatewayExchange parent;
    private final Semaphore gatewayPermits;
    private final long bodyLimit;
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final ArrayDeque<Fetch> waiting = new ArrayDeque<>();
    private final Set<Running> running = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;
    // the call's thread only
    private int started;
    private int inFlight;
    private int pending;

    ScriptFetches(UpstreamCalls upstreams, GatewayExchange parent, Semaphore gatewayPermits, long bodyLimit) {
        this.upstreams = upstreams;
        this.parent = parent;
        this.gatewayPermits = gatewayPermits;
        this.bodyLimit = bodyLimit;
    }

    /** @return fetches asked for whose outcome was not delivered yet */
    int pending() {
        return pending;
    }

    /** Starts a fetch, or queues it behind the call's running ones, or refuses it (through its onError). */
    void submit(Fetch fetch) {
        if (started == MAX_PER_CALL) {
            refuse(fetch, "too_many_fetches", "a script call may start at most " + MAX_PER_CALL + " fetches", 500);
            return;
        }
        pending++;
        started++;
        if (inFlight < IN_FLIGHT_PER_CALL) {
            start(fetch);
        } else {
            waiting.add(fetch);
        }
    }

    /** Refuses a fetch without starting it: its promise rejects when the call delivers the refusal. */
    void refuse(Fetch fetch, String code, String detail, int status) {
        pending++;
        completions.add(new Completion(false, () -> fetch.onError().failed(code, detail, status)));
    }

    private void start(Fetch fetch) {
        if (!gatewayPermits.tryAcquire()) {
            pending--;
            refuse(fetch, "fetch_overload", "the gateway is running as many script fetches as it allows; try again",
                    503);
            return;
        }
        inFlight++;
        Running run = new Running(fetch);
        run.thread = Thread.ofVirtual().name("script-fetch-" + fetch.upstream()).unstarted(run::run);
        running.add(run);
        run.thread.start();
    }

    /**
     * Waits for the next outcome and returns it for the caller to deliver; a freed slot starts the next waiting
     * fetch first.
     */
    Runnable next() throws InterruptedException {
        Completion completion = completions.take();
        pending--;
        if (completion.ran()) {
            inFlight--;
            while (inFlight < IN_FLIGHT_PER_CALL && !waiting.isEmpty()) {
                start(waiting.poll());
            }
        }
        return completion.deliver();
    }

    /** The call ended: nothing more starts, bodies being read are aborted, outcomes are never delivered. */
    void cancel() {
        cancelled = true;
        waiting.clear();
        running.forEach(Running::abort);
    }

    /** One fetch on its thread. */
    private final class Running {
        private static final int HEAD = 0;
        private static final int BODY = 1;
        private static final int DONE = 2;

        private final Fetch fetch;
        private Thread thread;
        private volatile int phase = HEAD;

        Running(Fetch fetch) {
            this.fetch = fetch;
        }

        void run() {
            Runnable outcome = null;
            try {
                Response answer = upstreams.call(fetch.upstream(), fetch.request(), fetch.timeout(), parent);
                // phase, then cancelled; cancel() writes them the other way round: one of the two sees the other
                phase = BODY;
                if (cancelled) {
                    answer.body().close();
                    return;
                }
                byte[] bytes = HostResponse.buffer(answer, bodyLimit);
                HostResponse response = new HostResponse(new Response(answer.status(), answer.headers(),
                        Body.of(bytes)), bodyLimit);
                outcome = () -> fetch.onOk().accept(response);
            } catch (GatewayException e) {
                outcome = () -> fetch.onError().failed(e.code(), fetch.upstream() + ": " + e.getMessage(), e.status());
            } catch (RuntimeException e) {
                outcome = () -> fetch.onError().failed("upstream_error", fetch.upstream() + ": " + e.getMessage(), 502);
            } finally {
                phase = DONE;
                running.remove(this);
                gatewayPermits.release();
                completions.add(new Completion(true, outcome == null ? () -> { } : outcome));
            }
        }

        /**
         * Interrupting the fetch's thread closes its upstream connection (an interruptible channel), whether it is
         * waiting for the response head or reading the body; the proxy counts that as a cancellation, not as the
         * upstream's failure.
         */
        void abort() {
            if (phase != DONE && thread != null) {
                thread.interrupt();
            }
        }
    }
}
