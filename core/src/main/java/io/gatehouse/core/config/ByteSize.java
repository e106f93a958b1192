package io.gatehouse.core.config;

/**
 * A size in bytes, written in config as a plain number or with a unit: {@code 512}, {@code 8KiB}, {@code 10MB},
 * {@code 1GiB} (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024; {@code k}, {@code m}, {@code g} mean KiB, MiB,
 * GiB).
 *
 * @param bytes the size, {@code >= 0}
 */
public record ByteSize(long bytes) {
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
}
