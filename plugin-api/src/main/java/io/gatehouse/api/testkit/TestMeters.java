package io.gatehouse.api.testkit;

import io.gatehouse.api.Meters;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * {@link Meters} a test can read back: what {@link TestPluginContext#meters()} returns. It checks names and tags as
 * the core does (except for the core's own meter names, which only the core knows), and keeps one meter per name
 * and tags across {@link TestPluginContext#reload reloads}, as the core does.
 *
 * <pre>{@code
 * TestPluginContext context = TestPluginContext.of("filter.rate_limit", config);
 * Filter filter = factory.create(config, context);
 * // ... send exchanges through it ...
 * assertEquals(1, context.meters().count("rate_limited", "route", "orders"));
 * }</pre>
 *
 * Thread-safe.
 *
 * @since 1.3.0
 */
public final class TestMeters implements Meters {

    private final Map<String, String> kinds = new ConcurrentHashMap<>();
    private final Map<List<String>, DoubleAdder> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> timerCounts = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> timerNanos = new ConcurrentHashMap<>();
    private final Map<List<String>, AtomicReference<Supplier<? extends Number>>> gauges = new ConcurrentHashMap<>();

    TestMeters() {
    }

    @Override
    public Counter counter(String name, String... tags) {
        DoubleAdder adder = counters.computeIfAbsent(key("counter", name, tags), k -> new DoubleAdder());
        return amount -> {
            if (amount > 0) {
                adder.add(amount);
            }
        };
    }

    @Override
    public Timer timer(String name, String... tags) {
        List<String> key = key("timer", name, tags);
        LongAdder count = timerCounts.computeIfAbsent(key, k -> new LongAdder());
        LongAdder total = timerNanos.computeIfAbsent(key, k -> new LongAdder());
        return nanos -> {
            if (nanos >= 0) {
                count.increment();
                total.add(nanos);
            }
        };
    }

    @Override
    public void gauge(String name, Supplier<? extends Number> value, String... tags) {
        java.util.Objects.requireNonNull(value, "value");
        gauges.computeIfAbsent(key("gauge", name, tags), k -> new AtomicReference<>()).set(value);
    }

    /**
     * @param name the counter's name, as registered
     * @param tags its tags, in the order registered
     * @return its count so far; 0 for a counter never registered
     */
    public double count(String name, String... tags) {
        DoubleAdder adder = counters.get(lookup(name, tags));
        return adder == null ? 0 : adder.sum();
    }

    /** @return how many durations the timer recorded; 0 for a timer never registered */
    public long timerCount(String name, String... tags) {
        LongAdder count = timerCounts.get(lookup(name, tags));
        return count == null ? 0 : count.sum();
    }

    /** @return the sum of the durations the timer recorded, in nanoseconds */
    public long timerTotalNanos(String name, String... tags) {
        LongAdder total = timerNanos.get(lookup(name, tags));
        return total == null ? 0 : total.sum();
    }

    /**
     * @return the gauge's value now (its newest supplier's), or {@code null} for a gauge never registered
     */
    public Number gauge(String name, String... tags) {
        AtomicReference<Supplier<? extends Number>> supplier = gauges.get(lookup(name, tags));
        return supplier == null ? null : supplier.get().get();
    }

    private List<String> key(String kind, String name, String... tags) {
        Meters.check(name, tags);
        String keys = kind + tagKeys(tags);
        String known = kinds.putIfAbsent(name, keys);
        if (known != null && !known.equals(keys)) {
            throw new IllegalArgumentException("meter '" + name + "' was registered before as " + known
                    + "; now asked for as " + keys);
        }
        return lookup(name, tags);
    }

    private static String tagKeys(String... tags) {
        StringBuilder keys = new StringBuilder(" with tags [");
        for (int i = 0; i < tags.length; i += 2) {
            keys.append(i == 0 ? "" : ", ").append(tags[i]);
        }
        return keys.append(']').toString();
    }

    private static List<String> lookup(String name, String... tags) {
        String[] key = new String[tags.length + 1];
        key[0] = name;
        System.arraycopy(tags, 0, key, 1, tags.length);
        return List.of(key);
    }
}
