package io.gatehouse.core.observe.tracing;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The W3C trace context of one exchange: the trace it belongs to (the client's, when its {@code traceparent} was
 * valid, else a new one), the id of the gateway's server span, the sampling decision, and the id of the upstream
 * attempt under way. Made at intake for every request, so it costs three random longs and this object; hex strings
 * are made only when something asks for them.
 *
 * <p>Used by the request's own thread (and the script fetches it starts, each with their own {@link #forFetch}
 * context); not thread-safe otherwise.
 */
public final class TraceContext {

    /** The request header of W3C Trace Context. */
    public static final String TRACEPARENT = "traceparent";
    /** The vendor-specific companion of {@code traceparent}. */
    public static final String TRACESTATE = "tracestate";

    private final long traceHigh;
    private final long traceLow;
    private final long spanId;
    private final long parentSpanId;
    private final boolean sampled;
    private final boolean fetch;
    private String traceIdHex;
    private long attemptSpanId;
    private int attempts;
    private SpanRecording recording;

    private TraceContext(long traceHigh, long traceLow, long spanId, long parentSpanId, boolean sampled,
                         boolean fetch) {
        this.traceHigh = traceHigh;
        this.traceLow = traceLow;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.sampled = sampled;
        this.fetch = fetch;
    }

    /**
     * The context of a request arriving with {@code headers}: the client's trace continued when its one
     * {@code traceparent} is valid (its {@code tracestate} kept), else a new trace sampled at {@code sampleRatio}.
     * A {@code traceparent} that is not valid is removed with any {@code tracestate}, so no upstream sees it; it
     * is never an error.
     */
    public static TraceContext intake(Headers headers, double sampleRatio) {
        List<String> values = headers.all(TRACEPARENT);
        if (values.size() == 1) {
            TraceContext continued = TraceParent.parse(values.getFirst());
            if (continued != null) {
                return continued;
            }
        }
        if (!values.isEmpty()) {
            headers.remove(TRACEPARENT);
        }
        headers.remove(TRACESTATE);
        return newTrace(sampleRatio);
    }

    /** A new trace; sampled when its random part falls under the ratio (as OpenTelemetry's ratio sampler does). */
    public static TraceContext newTrace(double sampleRatio) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong();
        long low = nonZero(random);
        return new TraceContext(high, low, nonZero(random), 0, sampled(low, sampleRatio), false);
    }

    /** The context a client sent: a trace id, its span (our parent) and its sampling decision. */
    static TraceContext continued(long traceHigh, long traceLow, long parentSpanId, boolean sampled) {
        return new TraceContext(traceHigh, traceLow, nonZero(ThreadLocalRandom.current()), parentSpanId, sampled,
                false);
    }

    static boolean sampled(long traceLow, double ratio) {
        if (ratio >= 1.0) {
            return true;
        }
        if (ratio <= 0.0) {
            return false;
        }
        return Math.abs(traceLow == Long.MIN_VALUE ? Long.MAX_VALUE : traceLow) < (long) (ratio * Long.MAX_VALUE);
    }

    /**
     * The context of a script's {@code upstreams.fetch} made on behalf of this exchange: the same trace, with one
     * span of its own (the fetch), which every attempt of the fetch names as its parent.
     */
    public TraceContext forFetch() {
        TraceContext child = new TraceContext(traceHigh, traceLow, nonZero(ThreadLocalRandom.current()), 0, sampled,
                true);
        child.traceIdHex = traceIdHex;
        return child;
    }

    /**
     * Starts an upstream attempt: a new span id for it (for a fetch, the fetch's own span id) and the
     * {@code traceparent} value that names it as the parent.
     */
    public String nextAttempt() {
        attemptSpanId = fetch ? spanId : nonZero(ThreadLocalRandom.current());
        attempts++;
        return traceparent(attemptSpanId);
    }

    /** @return the {@code traceparent} header value naming {@code parent} as the parent span */
    public String traceparent(long parent) {
        char[] value = new char[55];
        value[0] = '0';
        value[1] = '0';
        value[2] = '-';
        Hex.write(traceHigh, value, 3);
        Hex.write(traceLow, value, 19);
        value[35] = '-';
        Hex.write(parent, value, 36);
        value[52] = '-';
        value[53] = '0';
        value[54] = sampled ? '1' : '0';
        return new String(value);
    }

    /** @return the trace id, 32 lowercase hex digits */
    public String traceId() {
        String hex = traceIdHex;
        if (hex == null) {
            char[] chars = new char[32];
            Hex.write(traceHigh, chars, 0);
            Hex.write(traceLow, chars, 16);
            hex = new String(chars);
            traceIdHex = hex;
        }
        return hex;
    }

    /** @return the id of the gateway's span for the request (for a fetch context, the fetch's span) */
    public long spanId() {
        return spanId;
    }

    /** @return the span id as 16 lowercase hex digits */
    public String spanIdHex() {
        return Hex.of(spanId);
    }

    /** @return the client's span, the parent of ours, or 0 for a trace the gateway started */
    public long parentSpanId() {
        return parentSpanId;
    }

    /** @return whether the trace is sampled (spans are recorded, and upstreams are told so) */
    public boolean sampled() {
        return sampled;
    }

    /** @return the span id of the latest upstream attempt, or 0 before the first */
    public long attemptSpanId() {
        return attemptSpanId;
    }

    /** @return how many upstream attempts were started */
    public int attempts() {
        return attempts;
    }

    /**
     * Synchronized: script fetches end on their own threads.
     *
     * @param create whether to start the recording when there is none yet (only for a sampled trace)
     * @return what was recorded of the exchange so far, or {@code null}
     */
    synchronized SpanRecording recording(boolean create) {
        if (recording == null && create) {
            recording = new SpanRecording();
        }
        return recording;
    }

    /**
     * A script's fetch made with {@code fetch} (a {@link #forFetch} of this context) is over; kept for its span
     * when this trace is sampled.
     *
     * @param status the response status, or 0 when it failed
     * @param error  the failure's code, or {@code null}
     */
    public void fetchDone(TraceContext fetch, String upstream, Request request, Endpoint endpoint, long startNanos,
                          long endNanos, int status, String error) {
        if (sampled) {
            recording(true).fetch(new SpanRecording.Fetch(fetch.spanId, upstream, request.method(), request.path(),
                    endpoint, fetch.attempts, startNanos, endNanos, status, error));
        }
    }

    private static long nonZero(ThreadLocalRandom random) {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }
}
