package io.gatehouse.core.observe.metrics;

import io.gatehouse.api.Meters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginMetersTest {

    private final GatewayMetrics metrics = new GatewayMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private String scrape() {
        return metrics.scrape(null).text();
    }

    @Test
    void aPluginsMetersArePublishedUnderItsId() {
        Meters meters = metrics.pluginMeters("filter.rate_limit");
        meters.counter("rate_limited", "route", "orders").increment();
        meters.counter("rate_limited", "route", "orders").increment(2);
        meters.timer("lookup").record(3_000_000);
        meters.gauge("buckets", () -> 7);
        String text = scrape();
        assertTrue(text.contains("gatehouse_rate_limited_total{plugin=\"filter.rate_limit\",route=\"orders\"} 3.0"),
                text);
        assertTrue(text.contains("gatehouse_lookup_seconds_count{plugin=\"filter.rate_limit\"} 1"), text);
        assertTrue(text.contains("gatehouse_lookup_seconds_bucket{plugin=\"filter.rate_limit\",le=\"0.005\"} 1"),
                text);
        assertTrue(text.contains("gatehouse_buckets{plugin=\"filter.rate_limit\"} 7.0"), text);
    }

    @Test
    void theSameNameAndTagsAreTheSameMeterAcrossGenerations() {
        Meters first = metrics.pluginMeters("filter.cache");
        Meters next = metrics.pluginMeters("filter.cache");   // the next generation's component
        first.counter("hits").increment();
        next.counter("hits").increment();
        AtomicInteger old = new AtomicInteger(1);
        AtomicInteger newer = new AtomicInteger(2);
        first.gauge("entries", old::get);
        next.gauge("entries", newer::get);
        String text = scrape();
        assertTrue(text.contains("gatehouse_hits_total{plugin=\"filter.cache\"} 2.0"), text);
        assertTrue(text.contains("gatehouse_entries{plugin=\"filter.cache\"} 2.0"), "the newest supplier: " + text);
    }

    @Test
    void twoPluginsMayUseOneNameApartByTheirTag() {
        metrics.pluginMeters("filter.a").counter("refused").increment();
        metrics.pluginMeters("filter.b").counter("refused").increment(5);
        String text = scrape();
        assertTrue(text.contains("gatehouse_refused_total{plugin=\"filter.a\"} 1.0"), text);
        assertTrue(text.contains("gatehouse_refused_total{plugin=\"filter.b\"} 5.0"), text);
    }

    @Test
    void aGaugeThatFailsIsNaNAndTheScrapeGoesOn() {
        metrics.pluginMeters("filter.x").gauge("broken", () -> {
            throw new IllegalStateException("no");
        });
        metrics.pluginMeters("filter.x").gauge("empty", () -> null);
        String text = scrape();
        assertTrue(text.contains("gatehouse_broken{plugin=\"filter.x\"} NaN"), text);
        assertTrue(text.contains("gatehouse_empty{plugin=\"filter.x\"} NaN"), text);
    }

    record Refused(String desc, Runnable registration, String message) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Refused> refusals() {
        GatewayMetrics shared = new GatewayMetrics();
        Meters meters = shared.pluginMeters("filter.x");
        meters.counter("taken_as_counter", "route", "a");
        return Stream.of(
                new Refused("a core name", () -> meters.counter("requests"), "is the gateway's own"),
                new Refused("another core name", () -> meters.gauge("open_connections", () -> 1),
                        "is the gateway's own"),
                new Refused("a JVM binder's prefix", () -> meters.timer("jvm_pause"), "is the gateway's own"),
                new Refused("upper case", () -> meters.counter("Hits"), "malformed"),
                new Refused("a dot", () -> meters.counter("cache.hits"), "malformed"),
                new Refused("a leading digit", () -> meters.counter("1hits"), "malformed"),
                new Refused("empty", () -> meters.counter(""), "malformed"),
                new Refused("null", () -> meters.counter(null), "malformed"),
                new Refused("too long", () -> meters.counter("a".repeat(65)), "malformed"),
                new Refused("a suffix the gateway adds", () -> meters.counter("hits_total"), "must not end in"),
                new Refused("a timer's suffix", () -> meters.timer("lookup_seconds"), "must not end in"),
                new Refused("an odd tag list", () -> meters.counter("hits", "route"), "pairs"),
                new Refused("the reserved plugin tag", () -> meters.counter("hits", "plugin", "other"), "reserved"),
                new Refused("the histogram's le", () -> meters.timer("t", "le", "1"), "reserved"),
                new Refused("a malformed tag key", () -> meters.counter("hits", "Route", "a"), "malformed"),
                new Refused("a null tag value", () -> meters.counter("hits", "route", null), "no value"),
                new Refused("a tag twice", () -> meters.counter("hits", "a", "1", "a", "2"), "twice"),
                new Refused("a name taken as another kind", () -> meters.gauge("taken_as_counter", () -> 1,
                        "route", "a"), "cannot be registered"),
                new Refused("a name taken with other tag keys", () -> meters.counter("taken_as_counter", "policy",
                        "p"), "cannot be registered"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void malformedOrTakenNamesAreRefusedClearly(Refused c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.registration()::run, c.desc());
        assertTrue(e.getMessage().contains(c.message()), c.desc() + ": " + e.getMessage());
    }
}
