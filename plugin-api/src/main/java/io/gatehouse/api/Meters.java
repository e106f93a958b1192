package io.gatehouse.api;

import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A plugin's own meters, published by the gateway with its core meters on the admin listener's {@code /metrics}
 * (Prometheus text). Reached through {@link PluginContext#meters()}.
 *
 * <p>A meter named {@code hits} is published as {@code gatehouse_hits_total} (a counter), {@code
 * gatehouse_hits_seconds} (a timer: a histogram in seconds) or {@code gatehouse_hits} (a gauge), with a tag {@code
 * plugin} set to the component's id (e.g. {@code filter.rate_limit}) beside the tags given.
 *
 * <p>Meters outlive config generations: asking again for the same name and tags, in the next generation or on
 * another thread, returns the same meter, so counts go on across reloads. Resolve a meter once, in {@code create}
 * (or once per tag value, kept in a map), not on every request: resolving allocates, recording does not.
 *
 * <p>Cardinality is the caller's duty: tag values must come from a small set (route ids, policy names, outcomes),
 * never from the client (paths, addresses, header values).
 *
 * <p>Thread-safe.
 *
 * @since 1.3.0
 */
public interface Meters {

    /** Meters that record nothing: the default of contexts that publish none. */
    Meters NOOP = new Meters() {
        @Override
        public Counter counter(String name, String... tags) {
            check(name, tags);
            return amount -> {
            };
        }

        @Override
        public Timer timer(String name, String... tags) {
            check(name, tags);
            return nanos -> {
            };
        }

        @Override
        public void gauge(String name, Supplier<? extends Number> value, String... tags) {
            check(name, tags);
        }
    };

    /**
     * A counter.
     *
     * @param name lower case letters, digits and {@code _}, starting with a letter, at most 64 characters, not
     *             ending in {@code _total}, {@code _seconds}, {@code _bucket}, {@code _count}, {@code _sum} or
     *             {@code _created} (the gateway adds suffixes itself); not a name of the core's meters
     * @param tags key, value, key, value...: keys like names (and not {@code plugin}, {@code le} or {@code
     *             quantile}), values any non-null string; one name always takes the same tag keys
     * @return the counter, the same one for the same name and tags
     * @throws IllegalArgumentException for a malformed or taken name, malformed tags, or a name used before with
     *                                  another kind of meter or other tag keys; the message says which
     */
    Counter counter(String name, String... tags);

    /**
     * A timer, published as a histogram in seconds with the gateway's fixed buckets (1 ms to 10 s).
     *
     * @param name as for {@link #counter}
     * @param tags as for {@link #counter}
     * @return the timer, the same one for the same name and tags
     * @throws IllegalArgumentException as for {@link #counter}
     */
    Timer timer(String name, String... tags);

    /**
     * A gauge: its value is read from {@code value} whenever the meters are scraped. Registering the same name and
     * tags again (the next generation's component, say) replaces the supplier, so the gauge follows the newest one.
     *
     * @param name  as for {@link #counter}
     * @param value read on every scrape, on the scraping thread; must be cheap and thread-safe; {@code null} or a
     *              thrown exception is published as {@code NaN}
     * @param tags  as for {@link #counter}
     * @throws IllegalArgumentException as for {@link #counter}
     */
    void gauge(String name, Supplier<? extends Number> value, String... tags);

    /** Counts something; thread-safe, allocation-free. */
    @FunctionalInterface
    interface Counter {
        /**
         * Adds to the count.
         *
         * @param amount at least 0; negative amounts are ignored
         */
        void increment(double amount);

        /** Adds one. */
        default void increment() {
            increment(1);
        }
    }

    /** Times something; thread-safe, allocation-free. */
    @FunctionalInterface
    interface Timer {
        /**
         * Records one duration.
         *
         * @param nanos the duration in nanoseconds (e.g. a difference of {@link System#nanoTime()} values); negative
         *              durations are ignored
         */
        void record(long nanos);
    }

    /**
     * Checks a meter's name and tags as every implementation does (the core refuses core names besides).
     *
     * @param name the meter's name
     * @param tags key, value pairs
     * @throws IllegalArgumentException naming what is wrong
     */
    static void check(String name, String... tags) {
        Pattern word = Pattern.compile("[a-z][a-z0-9_]{0,63}");
        if (name == null || !word.matcher(name).matches()) {
            throw new IllegalArgumentException("meter name '" + name + "' is malformed: use lower case letters, "
                    + "digits and _, starting with a letter, at most 64 characters (e.g. requests_refused)");
        }
        for (String suffix : new String[] {"_total", "_seconds", "_bucket", "_count", "_sum", "_created"}) {
            if (name.endsWith(suffix)) {
                throw new IllegalArgumentException("meter name '" + name + "' must not end in " + suffix
                        + ": the gateway adds the suffix of the meter's kind itself");
            }
        }
        if (tags == null || tags.length % 2 != 0) {
            throw new IllegalArgumentException("meter '" + name + "': tags come in key, value pairs");
        }
        for (int i = 0; i < tags.length; i += 2) {
            String key = tags[i];
            if (key == null || !word.matcher(key).matches()) {
                throw new IllegalArgumentException("meter '" + name + "': tag key '" + key + "' is malformed: use "
                        + "lower case letters, digits and _, starting with a letter");
            }
            if (key.equals("plugin") || key.equals("le") || key.equals("quantile")) {
                throw new IllegalArgumentException("meter '" + name + "': tag key '" + key + "' is reserved");
            }
            if (tags[i + 1] == null) {
                throw new IllegalArgumentException("meter '" + name + "': tag '" + key + "' has no value");
            }
            for (int j = 0; j < i; j += 2) {
                if (tags[j].equals(key)) {
                    throw new IllegalArgumentException("meter '" + name + "': tag '" + key + "' given twice");
                }
            }
        }
    }
}
