package io.gatehouse.core.observe.tracing;

import io.gatehouse.api.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** W3C Trace Context level 1 parsing of {@code traceparent}, and the context made at intake. */
class TraceParentTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT = "00f067aa0ba902b7";

    record Case(String desc, String value, boolean valid, boolean sampled) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("version 00, sampled", "00-" + TRACE + "-" + PARENT + "-01", true, true),
                new Case("version 00, not sampled", "00-" + TRACE + "-" + PARENT + "-00", true, false),
                new Case("other flags: only the sampled bit counts", "00-" + TRACE + "-" + PARENT + "-03", true, true),
                new Case("surrounding spaces", "  00-" + TRACE + "-" + PARENT + "-01 ", true, true),
                new Case("future version, more fields", "cc-" + TRACE + "-" + PARENT + "-01-what-ever", true, true),
                new Case("future version, exactly 55", "01-" + TRACE + "-" + PARENT + "-00", true, false),
                new Case("too short", "00-" + TRACE + "-" + PARENT.substring(1) + "-01", false, false),
                new Case("empty", "", false, false),
                new Case("uppercase trace id", "00-" + TRACE.toUpperCase() + "-" + PARENT + "-01", false, false),
                new Case("uppercase version", "0A-" + TRACE + "-" + PARENT + "-01", false, false),
                new Case("all-zero trace id", "00-" + "0".repeat(32) + "-" + PARENT + "-01", false, false),
                new Case("all-zero parent id", "00-" + TRACE + "-" + "0".repeat(16) + "-01", false, false),
                new Case("version ff", "ff-" + TRACE + "-" + PARENT + "-01", false, false),
                new Case("version 00 with extra fields", "00-" + TRACE + "-" + PARENT + "-01-extra", false, false),
                new Case("future version, no dash after flags", "cc-" + TRACE + "-" + PARENT + "-01x", false, false),
                new Case("not hex", "00-" + TRACE.replace('a', 'g') + "-" + PARENT + "-01", false, false),
                new Case("wrong separator", "00_" + TRACE + "-" + PARENT + "-01", false, false),
                new Case("flags not hex", "00-" + TRACE + "-" + PARENT + "-0z", false, false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void parses(Case c) {
        TraceContext context = TraceParent.parse(c.value());
        if (!c.valid()) {
            assertNull(context, c.desc());
            return;
        }
        assertNotNull(context, c.desc());
        assertEquals(TRACE, context.traceId());
        assertEquals(Long.parseUnsignedLong(PARENT, 16), context.parentSpanId());
        assertEquals(c.sampled(), context.sampled());
        assertNotEquals(0, context.spanId());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void intakeKeepsOnlyAValidTraceparentAndItsTracestate(Case c) {
        Headers headers = Headers.of("traceparent", c.value(), "tracestate", "vendor=1");
        TraceContext context = TraceContext.intake(headers, 1.0);
        if (c.valid()) {
            assertEquals(TRACE, context.traceId());
            assertEquals("vendor=1", headers.first("tracestate").orElseThrow());
        } else {
            assertNotEquals(TRACE, context.traceId());
            assertEquals(0, context.parentSpanId());
            assertFalse(headers.contains("traceparent"), "the malformed value is not forwarded");
            assertFalse(headers.contains("tracestate"), "tracestate without a valid traceparent is dropped");
        }
    }

    @Test
    void twoTraceparentHeadersStartANewTrace() {
        Headers headers = Headers.of("traceparent", "00-" + TRACE + "-" + PARENT + "-01",
                "traceparent", "00-" + TRACE + "-" + PARENT + "-01");
        TraceContext context = TraceContext.intake(headers, 1.0);
        assertNotEquals(TRACE, context.traceId());
        assertFalse(headers.contains("traceparent"));
    }

    @Test
    void aNewTraceFollowsTheRatio() {
        for (int i = 0; i < 100; i++) {
            assertTrue(TraceContext.intake(new Headers(), 1.0).sampled());
            assertFalse(TraceContext.intake(new Headers(), 0.0).sampled());
        }
        int sampled = 0;
        for (int i = 0; i < 10_000; i++) {
            sampled += TraceContext.newTrace(0.5).sampled() ? 1 : 0;
        }
        assertTrue(sampled > 4000 && sampled < 6000, "about half: " + sampled);
    }

    @Test
    void aContinuedTraceFollowsTheClientNotTheRatio() {
        assertTrue(TraceContext.intake(Headers.of("traceparent", "00-" + TRACE + "-" + PARENT + "-01"), 0.0)
                .sampled());
        assertFalse(TraceContext.intake(Headers.of("traceparent", "00-" + TRACE + "-" + PARENT + "-00"), 1.0)
                .sampled());
    }

    @Test
    void eachAttemptGetsItsOwnParentIdAndAValidHeader() {
        TraceContext context = TraceContext.newTrace(1.0);
        String first = context.nextAttempt();
        long firstSpan = context.attemptSpanId();
        String second = context.nextAttempt();
        assertEquals(2, context.attempts());
        assertNotEquals(first, second);
        for (String header : new String[] {first, second}) {
            TraceContext parsed = TraceParent.parse(header);
            assertNotNull(parsed, header);
            assertEquals(context.traceId(), parsed.traceId());
            assertTrue(parsed.sampled());
        }
        assertEquals(Long.toHexString(firstSpan), Long.toHexString(TraceParent.parse(first).parentSpanId()));
        assertTrue(TraceContext.newTrace(0).nextAttempt().endsWith("-00"));
    }

    @Test
    void aFetchKeepsItsSpanAsTheParentOfEveryAttempt() {
        TraceContext context = TraceContext.newTrace(1.0);
        TraceContext fetch = context.forFetch();
        assertEquals(context.traceId(), fetch.traceId());
        assertNotEquals(context.spanId(), fetch.spanId());
        assertEquals(fetch.traceparent(fetch.spanId()), fetch.nextAttempt());
        assertEquals(fetch.traceparent(fetch.spanId()), fetch.nextAttempt());
    }
}
