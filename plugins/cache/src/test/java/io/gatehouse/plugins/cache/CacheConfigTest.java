package io.gatehouse.plugins.cache;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CacheConfigTest {

    private static List<String> problems(CacheConfig config) {
        List<String> problems = new ArrayList<>();
        new CacheFilterFactory().validate(config, (path, message) -> problems.add(path + ": " + message));
        return problems;
    }

    @Test
    void theDefaultsAreValid() {
        CacheConfig config = new CacheConfig(null, null, null, null, null, null, false, null);
        assertEquals(List.of(), problems(config));
        assertEquals(Duration.ofSeconds(60), config.ttl());
        assertEquals(10_000, config.maxEntries());
        assertEquals(64L * 1024 * 1024, config.maxBytesValue());
        assertEquals(1024L * 1024, config.maxBodySizeValue());
        assertEquals(Duration.ofSeconds(5), config.lockTimeout());
        assertEquals(List.of(200, 203, 204, 300, 301, 308, 404, 410), config.statuses());
    }

    @Test
    void everyProblemIsReportedWithItsKey() {
        CacheConfig config = new CacheConfig(Duration.ofSeconds(-1), 0, "lots", "2 parsecs",
                List.of("X-Ok", "bad header"), List.of(200, 206, 304, 199), false, Duration.ofMillis(-5));
        assertEquals(List.of("ttl: must not be negative, got PT-1S",
                "lock_timeout: must not be negative, got PT-0.005S",
                "max_entries: must be at least 1, got 0",
                "max_bytes: expected a size like 512, 8KiB, 10MB or 1GiB, got 'lots'",
                "max_body_size: expected a size like 512, 8KiB, 10MB or 1GiB, got '2 parsecs'",
                "vary_headers[1]: 'bad header' is not a header name",
                "statuses[1]: cannot cache status 206 (200 to 599, except 206 and 304)",
                "statuses[2]: cannot cache status 304 (200 to 599, except 206 and 304)",
                "statuses[3]: cannot cache status 199 (200 to 599, except 206 and 304)"), problems(config));
    }

    @Test
    void aBodyLimitAboveTheStoreIsAProblem() {
        assertEquals(List.of("max_body_size: must not be larger than max_bytes (1MB)"),
                problems(new CacheConfig(null, null, "1MB", "2MB", null, null, false, null)));
        assertEquals(List.of("max_bytes: must be more than 0"),
                problems(new CacheConfig(null, null, "0", "0", null, null, false, null)));
    }

    @Test
    void sizesTakeTheCoresUnits() {
        assertEquals(512, CacheConfig.bytes("512"));
        assertEquals(8 * 1024, CacheConfig.bytes("8KiB"));
        assertEquals(10_000_000, CacheConfig.bytes("10 MB"));
        assertEquals(1024L * 1024 * 1024, CacheConfig.bytes("1g"));
        assertThrows(IllegalArgumentException.class, () -> CacheConfig.bytes("-1"));
        assertThrows(IllegalArgumentException.class, () -> CacheConfig.bytes("1 XB"));
    }
}
