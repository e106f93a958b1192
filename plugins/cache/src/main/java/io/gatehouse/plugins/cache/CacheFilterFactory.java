package io.gatehouse.plugins.cache;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.HttpTokens;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import org.pf4j.Extension;

import java.time.Clock;

/** Creates {@code filter.cache}: see {@link CacheConfig} and {@code docs/caching.md}. */
@Extension
public final class CacheFilterFactory implements FilterFactory<CacheConfig> {

    private final Clock clock;

    /** The factory the gateway loads: on the system clock. */
    public CacheFilterFactory() {
        this(Clock.systemUTC());
    }

    /** For tests: a clock ages and expiry follow. */
    CacheFilterFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String id() {
        return "filter.cache";
    }

    @Override
    public Class<CacheConfig> configType() {
        return CacheConfig.class;
    }

    @Override
    public void validate(CacheConfig config, Problems problems) {
        if (config.ttl().isNegative()) {
            problems.add("ttl", "must not be negative, got " + config.ttl());
        }
        if (config.lockTimeout().isNegative()) {
            problems.add("lock_timeout", "must not be negative, got " + config.lockTimeout());
        }
        if (config.maxEntries() < 1) {
            problems.add("max_entries", "must be at least 1, got " + config.maxEntries());
        }
        long maxBytes = size(config.maxBytes(), "max_bytes", problems);
        long maxBody = size(config.maxBodySize(), "max_body_size", problems);
        if (maxBytes == 0) {
            problems.add("max_bytes", "must be more than 0");
        }
        if (maxBytes > 0 && maxBody > maxBytes) {
            problems.add("max_body_size", "must not be larger than max_bytes (" + config.maxBytes() + ")");
        }
        if (maxBody > Integer.MAX_VALUE - 8) {
            problems.add("max_body_size", "must be less than 2GiB");
        }
        for (int i = 0; i < config.varyHeaders().size(); i++) {
            if (!HttpTokens.isToken(config.varyHeaders().get(i))) {
                problems.add("vary_headers[" + i + "]", "'" + config.varyHeaders().get(i) + "' is not a header name");
            }
        }
        for (int i = 0; i < config.statuses().size(); i++) {
            int status = config.statuses().get(i);
            if (status < 200 || status > 599 || status == 206 || status == 304) {
                problems.add("statuses[" + i + "]", "cannot cache status " + status
                        + " (200 to 599, except 206 and 304)");
            }
        }
    }

    private static long size(String text, String key, Problems problems) {
        try {
            return CacheConfig.bytes(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(key, e instanceof ArithmeticException ? "too large: '" + text + "'" : e.getMessage());
            return -1;
        }
    }

    @Override
    public Filter create(CacheConfig config, PluginContext context) throws Exception {
        CacheStore store = context.state("store",
                () -> new CacheStore(config.maxEntries(), config.maxBytesValue(), clock));
        return new CacheFilter(config, store, context.logger(), context.location());
    }
}
