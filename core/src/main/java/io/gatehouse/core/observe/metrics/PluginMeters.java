package io.gatehouse.core.observe.metrics;

import io.gatehouse.api.Meters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A component's {@link Meters} on the gateway's registry: {@code name} becomes {@code gatehouse_<name>} (plus the
 * suffix of its kind) tagged {@code plugin=<component id>}. Micrometer gives back the same meter for the same name
 * and tags, so meters survive reloads; a gauge's supplier is swapped for the newest one registered.
 */
final class PluginMeters implements Meters {

    /**
     * The core's meter names (without {@code gatehouse_}): a plugin may not take them, nor anything starting with
     * {@code jvm_}, {@code process_} or {@code system_} (the JVM binders' names do not start with {@code gatehouse_},
     * but are kept clear all the same).
     */
    static final Set<String> CORE_NAMES = Set.of("requests", "request_duration", "upstream_requests",
            "upstream_duration", "upstream_endpoint_up", "filter_duration", "circuit_state", "script_errors",
            "script_timeouts", "config_reloads", "config_generation", "plugins", "open_connections",
            "received_bytes", "sent_bytes", "received", "sent");

    private final Shared shared;
    private final String plugin;

    PluginMeters(Shared shared, String plugin) {
        this.shared = shared;
        this.plugin = plugin;
    }

    @Override
    public Meters.Counter counter(String name, String... tags) {
        check(name, "a counter", tags);
        io.micrometer.core.instrument.Counter counter = register(name, () -> io.micrometer.core.instrument.Counter.builder("gatehouse." + name).tags(tags(tags))
                .description("A plugin's counter").register(shared.registry));
        return amount -> {
            if (amount > 0) {
                counter.increment(amount);
            }
        };
    }

    @Override
    public Meters.Timer timer(String name, String... tags) {
        check(name, "a timer", tags);
        io.micrometer.core.instrument.Timer timer = register(name, () -> io.micrometer.core.instrument.Timer.builder("gatehouse." + name).tags(tags(tags))
                .description("A plugin's timer").serviceLevelObjectives(GatewayMetrics.BUCKETS)
                .register(shared.registry));
        return nanos -> {
            if (nanos >= 0) {
                timer.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    @Override
    public void gauge(String name, Supplier<? extends Number> value, String... tags) {
        check(name, "a gauge", tags);
        java.util.Objects.requireNonNull(value, "value");
        Tags all = tags(tags);
        AtomicReference<Supplier<? extends Number>> current = shared.gauges.computeIfAbsent(
                List.of(name, all), key -> new AtomicReference<>());
        current.set(value);
        register(name, () -> Gauge.builder("gatehouse." + name, current, PluginMeters::read).tags(all)
                .strongReference(true).description("A plugin's gauge").register(shared.registry));
    }

    private static double read(AtomicReference<Supplier<? extends Number>> supplier) {
        try {
            Supplier<? extends Number> current = supplier.get();
            Number value = current == null ? null : current.get();
            return value == null ? Double.NaN : value.doubleValue();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private Tags tags(String... tags) {
        return Tags.of(tags).and("plugin", plugin);
    }

    private void check(String name, String kind, String... tags) {
        Meters.check(name, tags);
        if (CORE_NAMES.contains(name) || name.startsWith("jvm_") || name.startsWith("process_")
                || name.startsWith("system_")) {
            throw new IllegalArgumentException(plugin + ": meter name '" + name + "' is the gateway's own; "
                    + "choose another (e.g. prefix it with the plugin's name)");
        }
        StringBuilder shape = new StringBuilder(kind).append(" with tags [");
        for (int i = 0; i < tags.length; i += 2) {
            shape.append(i == 0 ? "" : ", ").append(tags[i]);
        }
        String asked = shape.append(']').toString();
        String known = shared.shapes.putIfAbsent(name, asked);
        if (known != null && !known.equals(asked)) {
            throw new IllegalArgumentException(plugin + ": meter '" + name + "' cannot be registered as " + asked
                    + ": it exists as " + known + " (one name, one kind, the same tag keys)");
        }
    }

    private <M> M register(String name, Supplier<M> registration) {
        try {
            return registration.get();
        } catch (IllegalArgumentException e) {
            // the registry refuses a name it holds as another kind of meter or with other tag keys
            throw new IllegalArgumentException(plugin + ": meter '" + name + "' cannot be registered; a meter of "
                    + "that name exists as another kind or with other tag keys (" + e.getMessage() + ")", e);
        }
    }

    /** What every component's meters share: the registry and the gauges' current suppliers. */
    static final class Shared {
        private final MeterRegistry registry;
        /** Each name's kind and tag keys, as first registered. */
        private final Map<String, String> shapes = new ConcurrentHashMap<>();
        private final Map<List<Object>, AtomicReference<Supplier<? extends Number>>> gauges =
                new ConcurrentHashMap<>();

        Shared(MeterRegistry registry) {
            this.registry = registry;
        }

        /**
         * Drops the gauge suppliers whose code an unloaded plugin's class loader defined: a gauge would otherwise keep
         * that loader (and what the supplier reads) alive for good. Such a gauge reads NaN until registered again.
         */
        void forget(ClassLoader loader) {
            gauges.values().forEach(current -> current.updateAndGet(
                    supplier -> supplier != null && supplier.getClass().getClassLoader() == loader ? null : supplier));
        }
    }
}
