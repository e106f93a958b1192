package io.gatehouse.plugins.ratelimit;

/**
 * What one policy decided about one request.
 *
 * @param allowed    whether the request may pass
 * @param limit      the policy's limit, for {@code RateLimit-Limit}
 * @param remaining  requests left now, for {@code RateLimit-Remaining}
 * @param resetNanos until the quota is whole again (token bucket) or the window ends (sliding window)
 * @param retryNanos when refused: until a request would pass
 * @param known      false when no counter could be asked (Redis down with {@code allow} or {@code deny}):
 *                   the decision then says nothing about the quota and sets no headers
 */
record Decision(boolean allowed, long limit, long remaining, long resetNanos, long retryNanos, boolean known) {

    static Decision allow(long limit, long remaining, long resetNanos) {
        return new Decision(true, limit, Math.max(0, remaining), Math.max(0, resetNanos), 0, true);
    }

    static Decision refuse(long limit, long resetNanos, long retryNanos) {
        return new Decision(false, limit, 0, Math.max(0, resetNanos), Math.max(1, retryNanos), true);
    }

    static Decision unknown(boolean allowed) {
        return new Decision(allowed, 0, 0, 0, 1_000_000_000L, false);
    }

    /** @return whichever of the two is closer to its limit (fewer remaining), for the response headers */
    static Decision closer(Decision a, Decision b) {
        if (a == null || !a.known) {
            return b;
        }
        if (!b.known) {
            return a;
        }
        return b.remaining < a.remaining || b.remaining == a.remaining && b.resetNanos > a.resetNanos ? b : a;
    }

    /** @return whole seconds, rounded up */
    static long seconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
