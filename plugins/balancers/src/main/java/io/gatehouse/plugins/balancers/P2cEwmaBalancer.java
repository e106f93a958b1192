package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Power of two random choices on a peak-EWMA latency, as Finagle's and Linkerd's balancers do: two distinct
 * endpoints of weight &gt; 0 are drawn at random and the one of lower cost gets the request, where
 * <pre>cost = latency average × (in-flight requests + 1) / weight</pre>
 * The average jumps up to a sample above it at once (the "peak") and moves down towards lower ones with the
 * configured decay time, and it decays towards 0 while the endpoint gets no completions, so an endpoint once slow
 * is tried again later. An endpoint without a sample yet costs 0 while idle (it gets probed) and a large penalty
 * once it has a request in flight, so a new endpoint is not flooded before its first answer.
 */
final class P2cEwmaBalancer implements LoadBalancer {

    /** The cost of an endpoint without a sample that has requests in flight: about 11 days, in nanoseconds. */
    private static final double UNMEASURED_BUSY = 1e15;

    /** The latency average in nanoseconds and when it was last updated. */
    private record Ewma(double nanos, long at) {
    }

    static final class LatencyState extends EndpointStates.State {
        final AtomicReference<Ewma> ewma = new AtomicReference<>(new Ewma(0, 0));
    }

    private final EndpointStates<LatencyState> states;
    private final double decayNanos;
    private final long failurePenaltyNanos;
    private final LongSupplier nanoTime;

    P2cEwmaBalancer(P2cEwmaConfig config, LongSupplier nanoTime) {
        this.states = new EndpointStates<>(LatencyState::new, LatencyState[]::new, nanoTime);
        this.decayNanos = config.decay().toNanos();
        this.failurePenaltyNanos = config.failurePenalty().toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public Optional<Endpoint> choose(List<Endpoint> healthy, Exchange exchange) {
        EndpointStates.Resolved<LatencyState> resolved = states.of(healthy);
        Endpoint[] endpoints = resolved.endpoints();
        int n = endpoints.length;
        if (n == 0) {
            return Optional.empty();
        }
        int chosen = 0;
        if (n > 1) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int a = random.nextInt(n);
            int b = random.nextInt(n - 1);
            if (b >= a) {
                b++;
            }
            long now = nanoTime.getAsLong();
            chosen = cost(endpoints[b], resolved.states()[b], now) < cost(endpoints[a], resolved.states()[a], now)
                    ? b : a;
        }
        resolved.states()[chosen].inFlight.incrementAndGet();
        return Optional.of(endpoints[chosen]);
    }

    @Override
    public void completed(Endpoint endpoint, long durationNanos, boolean failed) {
        LatencyState state = states.find(endpoint);
        if (state == null) {
            return;
        }
        state.release();
        double sample = failed ? Math.max(durationNanos, failurePenaltyNanos) : Math.max(durationNanos, 0);
        long now = nanoTime.getAsLong();
        Ewma current;
        Ewma next;
        do {
            current = state.ewma.get();
            double average = decayed(current, now);
            double keep = Math.exp(-Math.max(now - current.at(), 0) / decayNanos);
            next = new Ewma(sample > average ? sample : average * keep + sample * (1 - keep), now);
        } while (!state.ewma.compareAndSet(current, next));
    }

    double cost(Endpoint endpoint, LatencyState state, long now) {
        int inFlight = state.inFlight.get();
        double average = decayed(state.ewma.get(), now);
        if (average == 0) {
            return inFlight == 0 ? 0 : (UNMEASURED_BUSY + inFlight) / endpoint.weight();
        }
        return average * (inFlight + 1) / endpoint.weight();
    }

    /** The average as it stands now: it falls towards 0 with the decay time since it was last updated. */
    private double decayed(Ewma ewma, long now) {
        if (ewma.nanos() == 0) {
            return 0;
        }
        return ewma.nanos() * Math.exp(-Math.max(now - ewma.at(), 0) / decayNanos);
    }

    /** @return the latency average of an endpoint now, in nanoseconds (tests) */
    double latencyNanos(Endpoint endpoint) {
        LatencyState state = states.find(endpoint);
        return state == null ? 0 : decayed(state.ewma.get(), nanoTime.getAsLong());
    }
}
