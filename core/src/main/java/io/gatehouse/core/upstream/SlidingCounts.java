package io.gatehouse.core.upstream;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Two counts over a sliding time window, exact and lock-free: the window is ten buckets; each bucket of each count
 * is one atomic long holding the bucket's time and its count together, so a bucket whose time has come round
 * again is reset and counted into by the same compare-and-set, and no increment is lost to a reset.
 */
final class SlidingCounts {

    private static final int BUCKETS = 10;
    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final long STAMP_MASK = (1L << 39) - 1;
    /** The top bit marks a bucket in use; 0 is an empty one. */
    private static final long USED = Long.MIN_VALUE;

    /** The counts of the window as of one instant. */
    record Sums(long first, long second) {
    }

    private final long bucketNanos;
    private final AtomicLongArray first = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray second = new AtomicLongArray(BUCKETS);

    SlidingCounts(long windowNanos) {
        this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
    }

    /** Adds to the counts of the bucket of {@code now}. */
    void add(long now, long toFirst, long toSecond) {
        long stamp = stamp(now);
        if (toFirst != 0) {
            add(first, stamp, toFirst);
        }
        if (toSecond != 0) {
            add(second, stamp, toSecond);
        }
    }

    /** @return the counts of the buckets within the window that ends at {@code now} */
    Sums sums(long now) {
        long stamp = stamp(now);
        return new Sums(sum(first, stamp), sum(second, stamp));
    }

    /** Forgets everything counted. */
    void reset() {
        for (int i = 0; i < BUCKETS; i++) {
            first.set(i, 0);
            second.set(i, 0);
        }
    }

    private long stamp(long now) {
        return Math.floorDiv(now, bucketNanos) & STAMP_MASK;
    }

    private static void add(AtomicLongArray counts, long stamp, long delta) {
        int bucket = (int) (stamp % BUCKETS);
        while (true) {
            long value = counts.get(bucket);
            long next;
            if (value != 0 && ((value >>> COUNT_BITS) & STAMP_MASK) == stamp) {
                long count = Math.clamp((value & COUNT_MASK) + delta, 0, COUNT_MASK);
                next = (value & ~COUNT_MASK) | count;
            } else {
                next = USED | (stamp << COUNT_BITS) | Math.clamp(delta, 0, COUNT_MASK);
            }
            if (counts.compareAndSet(bucket, value, next)) {
                return;
            }
        }
    }

    private static long sum(AtomicLongArray counts, long stamp) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long value = counts.get(i);
            if (value != 0 && ((stamp - ((value >>> COUNT_BITS) & STAMP_MASK)) & STAMP_MASK) < BUCKETS) {
                total += value & COUNT_MASK;
            }
        }
        return total;
    }
}
