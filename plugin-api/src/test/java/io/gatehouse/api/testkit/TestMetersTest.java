package io.gatehouse.api.testkit;

import io.gatehouse.api.Meters;
import io.gatehouse.api.PluginContext;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestMetersTest {

    @Test
    void whatAComponentRecordsCanBeReadBackAcrossReloads() {
        TestPluginContext first = TestPluginContext.of("filter.rate_limit", "config");
        first.meters().counter("rate_limited", "route", "a").increment();
        TestPluginContext second = first.reload("config");
        second.meters().counter("rate_limited", "route", "a").increment(2);
        second.meters().timer("check").record(1_000);
        AtomicInteger size = new AtomicInteger(4);
        second.meters().gauge("buckets", size::get);
        assertSame(first.meters(), second.meters());
        assertEquals(3, second.meters().count("rate_limited", "route", "a"));
        assertEquals(0, second.meters().count("rate_limited", "route", "b"));
        assertEquals(1, second.meters().timerCount("check"));
        assertEquals(1_000, second.meters().timerTotalNanos("check"));
        assertEquals(4, second.meters().gauge("buckets"));
        assertNull(second.meters().gauge("unknown"));
    }

    @Test
    void namesAreCheckedAsTheCoreDoes() {
        TestMeters meters = TestPluginContext.of("filter.x", null).meters();
        assertThrows(IllegalArgumentException.class, () -> meters.counter("Bad-Name"));
        assertThrows(IllegalArgumentException.class, () -> meters.counter("hits_total"));
        assertThrows(IllegalArgumentException.class, () -> meters.counter("hits", "plugin", "x"));
        meters.counter("hits", "route", "a");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> meters.timer("hits"));
        assertTrue(e.getMessage().contains("registered before as counter"), e.getMessage());
    }

    @Test
    void anOlderContextPublishesNothingButStillChecksNames() {
        PluginContext old = TestPluginContextTest.bareContext();
        assertSame(Meters.NOOP, old.meters());
        old.meters().counter("hits").increment();
        old.meters().timer("t").record(5);
        old.meters().gauge("g", () -> 1);
        assertThrows(IllegalArgumentException.class, () -> old.meters().counter("requests_total"));
    }
}
