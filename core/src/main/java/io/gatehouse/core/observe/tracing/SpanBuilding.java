package io.gatehouse.core.observe.tracing;

import io.gatehouse.api.Completion;
import io.gatehouse.api.Endpoint;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.observe.RequestObserver.AttemptOutcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Turns the recording of a completed, sampled exchange into SDK spans with the ids the gateway already sent
 * upstream and explicit timestamps: a SERVER span for the request, an INTERNAL span per filter that ran, nested as
 * the filters are, a CLIENT span per upstream attempt under the innermost filter, and a CLIENT span per script
 * fetch under the filter it ran in. One clock reading per exchange converts {@link System#nanoTime()} to epoch.
 */
final class SpanBuilding {

    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("gatehouse.request_id");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("gatehouse.outcome");
    static final AttributeKey<Long> FILTER_INDEX = AttributeKey.longKey("gatehouse.filter.index");
    static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("gatehouse.upstream");
    static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("gatehouse.endpoint");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("gatehouse.attempts");

    private final Tracer tracer;
    private final PresetIds ids;

    SpanBuilding(Tracer tracer, PresetIds ids) {
        this.tracer = tracer;
        this.ids = ids;
    }

    void build(GatewayExchange exchange, Completion completion, String routeId, String[] filterNames) {
        TraceContext trace = exchange.trace();
        Instant now = Instant.now();
        long offset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        String traceId = trace.traceId();
        String method = exchange.request().method();
        Context parent = trace.parentSpanId() == 0 ? Context.root()
                : Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(traceId,
                Hex.of(trace.parentSpanId()), TraceFlags.getSampled(), TraceState.getDefault())));
        SpanBuilder server = start(traceId, trace.spanId(), routeId.isEmpty() ? method : method + " " + routeId,
                parent, SpanKind.SERVER, exchange.startNanos() + offset)
                .setAttribute(HTTP_METHOD, method)
                .setAttribute(URL_PATH, exchange.originalPath())
                .setAttribute(CLIENT_ADDRESS, exchange.clientIp())
                .setAttribute(HTTP_STATUS, (long) completion.status())
                .setAttribute(REQUEST_ID, exchange.requestId())
                .setAttribute(OUTCOME, completion.outcome().name().toLowerCase(java.util.Locale.ROOT))
                .setAttribute(ATTEMPTS, (long) trace.attempts());
        if (!routeId.isEmpty()) {
            server.setAttribute(HTTP_ROUTE, routeId);
        }
        Span span = server.startSpan();
        if (completion.status() >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        SpanRecording recording = trace.recording(false);
        if (recording != null) {
            children(recording, traceId, span, filterNames, offset);
        }
        span.end(exchange.startNanos() + completion.duration().toNanos() + offset, TimeUnit.NANOSECONDS);
    }

    private void children(SpanRecording recording, String traceId, Span server, String[] filterNames,
                          long offset) {
        int ran = 0;
        Span[] filters = new Span[recording.filterCount()];
        Span innermost = server;
        while (ran < filters.length && recording.ran(ran)) {
            Span filter = start(traceId, recording.filterSpan(ran), ran < filterNames.length ? filterNames[ran]
                    : "filter [" + ran + "]", Context.root().with(innermost), SpanKind.INTERNAL,
                    recording.filterStart(ran) + offset)
                    .setAttribute(FILTER_INDEX, (long) ran)
                    .startSpan();
            if (recording.filterFailed(ran)) {
                filter.setStatus(StatusCode.ERROR);
            }
            filter.end(recording.filterEnd(ran) + offset, TimeUnit.NANOSECONDS);
            filters[ran] = filter;
            innermost = filter;
            ran++;
        }
        Context attemptsParent = Context.root().with(innermost);
        for (SpanRecording.Attempt attempt : recording.attempts()) {
            SpanBuilder builder = start(traceId, attempt.spanId(), "upstream " + attempt.upstream(), attemptsParent,
                    SpanKind.CLIENT, attempt.start() + offset)
                    .setAttribute(UPSTREAM, attempt.upstream())
                    .setAttribute(OUTCOME, attempt.outcome().label());
            endpoint(builder, attempt.endpoint());
            if (attempt.attempt() > 0) {
                builder.setAttribute(RESEND_COUNT, (long) attempt.attempt());
            }
            Span span = builder.startSpan();
            if (attempt.outcome() != AttemptOutcome.SUCCESS) {
                span.setStatus(StatusCode.ERROR, attempt.outcome().label());
            }
            span.end(attempt.end() + offset, TimeUnit.NANOSECONDS);
        }
        for (SpanRecording.Fetch fetch : recording.fetches()) {
            Span parent = server;
            for (int i = ran - 1; i >= 0; i--) {
                if (recording.filterStart(i) <= fetch.start() && fetch.start() <= recording.filterEnd(i)) {
                    parent = filters[i];
                    break;
                }
            }
            fetchSpan(traceId, fetch, Context.root().with(parent), offset);
        }
    }

    private void fetchSpan(String traceId, SpanRecording.Fetch fetch, Context parent, long offset) {
        SpanBuilder builder = start(traceId, fetch.spanId(), "fetch " + fetch.upstream(), parent, SpanKind.CLIENT,
                fetch.start() + offset)
                .setAttribute(UPSTREAM, fetch.upstream())
                .setAttribute(HTTP_METHOD, fetch.method())
                .setAttribute(URL_PATH, fetch.path())
                .setAttribute(ATTEMPTS, (long) fetch.attempts());
        endpoint(builder, fetch.endpoint());
        if (fetch.status() > 0) {
            builder.setAttribute(HTTP_STATUS, (long) fetch.status());
        }
        if (fetch.error() != null) {
            builder.setAttribute(ERROR_TYPE, fetch.error());
        }
        Span span = builder.startSpan();
        if (fetch.error() != null || fetch.status() >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end(fetch.end() + offset, TimeUnit.NANOSECONDS);
    }

    private static void endpoint(SpanBuilder builder, Endpoint endpoint) {
        if (endpoint != null) {
            builder.setAttribute(SERVER_ADDRESS, endpoint.host())
                    .setAttribute(SERVER_PORT, (long) endpoint.port())
                    .setAttribute(ENDPOINT, endpoint.id());
        }
    }

    private SpanBuilder start(String traceId, long spanId, String name, Context parent, SpanKind kind,
                              long epochNanos) {
        ids.preset(traceId, Hex.of(spanId));
        return tracer.spanBuilder(name).setParent(parent).setSpanKind(kind)
                .setStartTimestamp(epochNanos, TimeUnit.NANOSECONDS);
    }
}
