package io.gatehouse.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes, written in config as a plain number or with a unit: {@code 512}, {@code 8KiB}, {@code 10MB},
 * {@code 1GiB} (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024; {@code k}, {@code m}, {@code g} mean KiB, MiB,
 * GiB).
 *
 * @param bytes the size, {@code >= 0}
 */
public record ByteSize(long bytes) {
    private static final Pattern TEXT = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
    private static final long K = 1024;
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("b", 1L),
            Map.entry("kb", 1000L), Map.entry("mb", 1000L * 1000), Map.entry("gb", 1000L * 1000 * 1000),
            Map.entry("tb", 1000L * 1000 * 1000 * 1000),
            Map.entry("k", K), Map.entry("kib", K), Map.entry("m", K * K), Map.entry("mib", K * K),
            Map.entry("g", K * K * K), Map.entry("gib", K * K * K), Map.entry("t", K * K * K * K),
            Map.entry("tib", K * K * K * K));

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + bytes);
        }
    }

    public static ByteSize ofKib(long kib) {
        return new ByteSize(kib * 1024);
    }

    public static ByteSize ofMib(long mib) {
        return new ByteSize(mib * 1024 * 1024);
    }

    /**
     * Parses a size as written in config. Units are case-insensitive; a space between number and unit is allowed.
     *
     * @param text e.g. {@code 512}, {@code 8KiB}, {@code 10MB}, {@code 1g}
     * @return the size
     * @throws IllegalArgumentException with a message for humans when the text is not a size or is too large
     */
    public static ByteSize parse(String text) {
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size like 512, 8KiB, 10MB or 1GiB, got '" + text + "'");
        }
        Long unit = UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
        if (unit == null) {
            throw new IllegalArgumentException("unknown unit '" + m.group(2) + "' in '" + text
                    + "' (use B, KB, MB, GB, KiB, MiB, GiB, or k, m, g for KiB, MiB, GiB)");
        }
        try {
            return new ByteSize(Math.multiplyExact(Long.parseLong(m.group(1)), unit));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
    }
}
