package io.gatehouse.plugins.cache;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The config of {@code filter.cache}.
 *
 * @param ttl                how long a response is fresh when the upstream gives it no lifetime ({@code Cache-Control:
 *                           max-age/s-maxage}, {@code Expires}); default {@code 60s}; {@code 0s} caches only what the
 *                           upstream gives a lifetime
 * @param maxEntries         the most responses held; default {@code 10000}
 * @param maxBytes           the most body and header bytes held, as {@code 64MiB}, {@code 500KB}, {@code 1048576};
 *                           default {@code 64MiB}
 * @param maxBodySize        the largest body that is cached; a longer one is streamed to the client untouched and not
 *                           cached; default {@code 1MiB}
 * @param varyHeaders        request headers whose values are part of the key, besides those the upstream names in
 *                           {@code Vary}; default none
 * @param statuses           the statuses that are cached; default {@code [200, 203, 204, 300, 301, 308, 404, 410]}
 * @param cacheAuthenticated whether responses to authenticated requests are cached, keyed by the consumer's id;
 *                           default {@code false}: such requests bypass the cache
 * @param lockTimeout        how long a request waits for another request that is already fetching the same
 *                           response before it goes upstream itself; default {@code 5s}, {@code 0s} turns request
 *                           collapsing off
 */
public record CacheConfig(Duration ttl, Integer maxEntries, String maxBytes, String maxBodySize,
                          List<String> varyHeaders, List<Integer> statuses, boolean cacheAuthenticated,
                          Duration lockTimeout) {

    static final List<Integer> DEFAULT_STATUSES = List.of(200, 203, 204, 300, 301, 308, 404, 410);

    /** Applies the defaults. */
    public CacheConfig {
        ttl = ttl == null ? Duration.ofSeconds(60) : ttl;
        maxEntries = maxEntries == null ? 10_000 : maxEntries;
        maxBytes = maxBytes == null ? "64MiB" : maxBytes;
        maxBodySize = maxBodySize == null ? "1MiB" : maxBodySize;
        varyHeaders = varyHeaders == null ? List.of() : List.copyOf(varyHeaders);
        statuses = statuses == null ? DEFAULT_STATUSES : List.copyOf(statuses);
        lockTimeout = lockTimeout == null ? Duration.ofSeconds(5) : lockTimeout;
    }

    /** @return {@link #maxBytes()} in bytes */
    long maxBytesValue() {
        return bytes(maxBytes);
    }

    /** @return {@link #maxBodySize()} in bytes */
    long maxBodySizeValue() {
        return bytes(maxBodySize);
    }

    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*([A-Za-z]*)");
    private static final Map<String, Long> UNITS = Map.ofEntries(Map.entry("", 1L), Map.entry("b", 1L),
            Map.entry("kb", 1000L), Map.entry("mb", 1000L * 1000), Map.entry("gb", 1000L * 1000 * 1000),
            Map.entry("k", 1024L), Map.entry("kib", 1024L), Map.entry("m", 1024L * 1024),
            Map.entry("mib", 1024L * 1024), Map.entry("g", 1024L * 1024 * 1024), Map.entry("gib", 1024L * 1024 * 1024));

    /**
     * A size as written in config: {@code 512}, {@code 8KiB}, {@code 10MB}, {@code 1g} (KB/MB/GB are powers of 1000,
     * KiB/MiB/GiB and k/m/g of 1024), as the core's own sizes.
     *
     * @throws IllegalArgumentException with a message for humans when the text is not a size
     */
    static long bytes(String text) {
        Matcher m = SIZE.matcher(text.strip());
        Long unit = m.matches() ? UNITS.get(m.group(2).toLowerCase(Locale.ROOT)) : null;
        if (unit == null) {
            throw new IllegalArgumentException("expected a size like 512, 8KiB, 10MB or 1GiB, got '" + text + "'");
        }
        return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    }
}
