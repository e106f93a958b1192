package io.gatehouse.core.observe;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The access log's own time and duration text: what the JDK's formatting gave, without its cost. */
class AccessLogLineTextTest {

    private final AccessLog.LineText text = new AccessLog.LineText();

    @Test
    void timeIsIsoUtcWithMillisecondsAcrossSeconds() {
        long base = Instant.parse("2026-12-02T10:00:59.998Z").toEpochMilli();
        assertEquals("2026-12-02T10:00:59.998Z", text.time(base));
        assertEquals("2026-12-02T10:00:59.999Z", text.time(base + 1));
        assertEquals("2026-12-02T10:01:00.000Z", text.time(base + 2), "the cached second moves on");
        assertEquals("2026-12-02T10:01:00.042Z", text.time(base + 44));
        assertEquals("2026-12-02T10:00:59.998Z", text.time(base), "and back (a clock stepped back)");
        assertEquals("1969-12-31T23:59:59.999Z", text.time(-1), "before the epoch");
    }

    @Test
    void timeMatchesInstantForManyValues() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++) {
            long millis = random.nextLong(4_000_000_000_000L);
            String expected = Instant.ofEpochMilli(millis).toString();
            // Instant leaves out zero milliseconds; the log always writes three digits
            if (millis % 1000 == 0) {
                expected = expected.replace("Z", ".000Z");
            }
            assertEquals(expected, text.time(millis), "at " + millis);
        }
    }

    @Test
    void durationIsMillisecondsWithMicrosecondDecimals() {
        assertEquals("0.000", text.millis(999));
        assertEquals("0.001", text.millis(1_000));
        assertEquals("12.345", text.millis(12_345_678));
        assertEquals("1000.000", text.millis(1_000_000_000));
        assertEquals("0.000", text.millis(-5), "a negative duration (clock quirk) is written as 0");
    }
}
