package io.gatehouse.core.observe.tracing;

import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Gives the SDK the ids the gateway chose: a span's id is known (and sent upstream in {@code traceparent}) long
 * before its span is built, when the exchange completes. The ids for the next span are set on the building thread
 * just before it is started; without them, random ids as usual.
 */
final class PresetIds implements IdGenerator {

    private static final class Next {
        String traceId;
        String spanId;
    }

    private final ThreadLocal<Next> next = ThreadLocal.withInitial(Next::new);

    /** The next span started on this thread gets these ids ({@code traceId} used only for a root span). */
    void preset(String traceId, String spanId) {
        Next ids = next.get();
        ids.traceId = traceId;
        ids.spanId = spanId;
    }

    @Override
    public String generateSpanId() {
        Next ids = next.get();
        String id = ids.spanId;
        if (id == null) {
            return IdGenerator.random().generateSpanId();
        }
        ids.spanId = null;
        return id;
    }

    @Override
    public String generateTraceId() {
        Next ids = next.get();
        String id = ids.traceId;
        if (id == null) {
            return IdGenerator.random().generateTraceId();
        }
        ids.traceId = null;
        return id;
    }
}
