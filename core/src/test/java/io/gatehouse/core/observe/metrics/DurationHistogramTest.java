package io.gatehouse.core.observe.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request path's histogram: bucket edges, sum and count, and how Micrometer's Prometheus registry renders it. */
class DurationHistogramTest {

    private final DurationHistogram histogram = new DurationHistogram("gatehouse_test_duration_seconds",
            "A test histogram", "route");

    @Test
    void aDurationOnABoundCountsInThatBucketAndOneAboveInTheNext() {
        DurationHistogram.Series series = histogram.series("r");
        series.record(1_000_000);      // exactly 1 ms: le="0.001"
        series.record(1_000_001);      // just above: le="0.002"
        series.record(-7);             // a clock quirk counts as 0
        series.record(60_000_000_000L); // a minute: only +Inf
        assertEquals(2, series.cumulative(0));
        assertEquals(3, series.cumulative(1));
        assertEquals(3, series.cumulative(DurationHistogram.BOUNDS.length - 1), "10 s");
        assertEquals(4, series.cumulative(DurationHistogram.BOUNDS.length), "+Inf");
        assertEquals(4, series.count());
        assertEquals(60.002000001, series.sumSeconds(), 1e-9);
    }

    @Test
    void seriesAreKeptByLabelValuesAndCanBeDropped() {
        assertTrue(histogram.series("a") == histogram.series("a"), "the same series for the same labels");
        assertNull(histogram.find("b"));
        histogram.series("b").record(5);
        histogram.remove("b");
        assertNull(histogram.find("b"));
        assertThrows(IllegalArgumentException.class, () -> histogram.series("a", "extra"));
    }

    @Test
    void theRegistryScrapesItAsAPrometheusHistogram() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry().register(histogram);
        histogram.series("orders").record(3_000_000);
        histogram.series("orders").record(30_000_000);
        histogram.series("users\"x").record(1);
        List<String> lines = registry.scrape().lines().filter(l -> l.contains("gatehouse_test")).toList();
        assertTrue(lines.contains("# TYPE gatehouse_test_duration_seconds histogram"), lines.toString());
        assertTrue(lines.contains("gatehouse_test_duration_seconds_bucket{route=\"orders\",le=\"0.002\"} 0"),
                lines.toString());
        assertTrue(lines.contains("gatehouse_test_duration_seconds_bucket{route=\"orders\",le=\"0.005\"} 1"),
                lines.toString());
        assertTrue(lines.contains("gatehouse_test_duration_seconds_bucket{route=\"orders\",le=\"0.05\"} 2"),
                lines.toString());
        assertTrue(lines.contains("gatehouse_test_duration_seconds_bucket{route=\"orders\",le=\"+Inf\"} 2"),
                lines.toString());
        assertTrue(lines.contains("gatehouse_test_duration_seconds_count{route=\"orders\"} 2"), lines.toString());
        assertTrue(lines.contains("gatehouse_test_duration_seconds_sum{route=\"orders\"} 0.033"), lines.toString());
        assertTrue(lines.contains("gatehouse_test_duration_seconds_count{route=\"users\\\"x\"} 1"),
                "label values are escaped: " + lines);
        String openMetrics = registry.scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertTrue(openMetrics.contains("gatehouse_test_duration_seconds_count{route=\"orders\"} 2"), openMetrics);
        assertFalse(openMetrics.isEmpty());
    }
}
