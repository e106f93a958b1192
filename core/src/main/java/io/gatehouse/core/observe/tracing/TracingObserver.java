package io.gatehouse.core.observe.tracing;

import io.gatehouse.api.Completion;
import io.gatehouse.api.Endpoint;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.observe.RequestObserver;
import io.gatehouse.core.upstream.Upstream;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The tracer's observer of one route chain: for a sampled exchange it keeps each filter's and attempt's times and
 * builds the spans once the exchange completes; for an exchange not sampled it does nothing.
 */
final class TracingObserver implements RequestObserver {

    private static final System.Logger LOG = System.getLogger(TracingObserver.class.getName());

    private final SpanBuilding spans;
    private final String routeId;
    private final String[] filterSpanNames;

    TracingObserver(SpanBuilding spans, String routeId, List<String> filterNames) {
        this.spans = spans;
        this.routeId = routeId;
        this.filterSpanNames = new String[filterNames.size()];
        for (int i = 0; i < filterSpanNames.length; i++) {
            filterSpanNames[i] = filterNames.get(i) + " [" + i + "]";
        }
    }

    @Override
    public void filterDone(GatewayExchange exchange, int index, long startNanos, long endNanos, long selfNanos,
                           boolean failed) {
        TraceContext trace = exchange.trace();
        if (trace.sampled()) {
            trace.recording(true).filter(filterSpanNames.length, index, startNanos, endNanos, failed);
        }
    }

    @Override
    public void attemptDone(GatewayExchange exchange, Upstream upstream, Endpoint endpoint, int attempt,
                            long startNanos, long endNanos, AttemptOutcome outcome) {
        TraceContext trace = exchange.trace();
        if (trace.sampled()) {
            trace.recording(true).attempt(new SpanRecording.Attempt(trace.attemptSpanId(), upstream.name(),
                    endpoint, attempt, startNanos, endNanos, outcome));
        }
    }

    @Override
    public void completed(GatewayExchange exchange, Completion completion) {
        if (!exchange.trace().sampled()) {
            return;
        }
        try {
            spans.build(exchange, completion, routeId, filterSpanNames);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "building the spans of request " + exchange.requestId() + " failed: " + e);
        }
    }
}
