package io.gatehouse.core.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open client connections, in all and per client address, against their caps. A connection over a cap is
 * closed at once, before anything is read from it.
 */
final class ConnectionLimits {

    private final int max;
    private final int maxPerIp;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perIp = new ConcurrentHashMap<>();

    ConnectionLimits(int max, int maxPerIp) {
        this.max = max;
        this.maxPerIp = maxPerIp;
    }

    /** @return whether the connection may be served; if so, {@link #close} must be called when it ends */
    boolean open(String ip) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        boolean[] admitted = {false};
        perIp.compute(ip, (key, count) -> {
            int n = count == null ? 0 : count;
            if (n >= maxPerIp) {
                return count;
            }
            admitted[0] = true;
            return n + 1;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
        }
        return admitted[0];
    }

    void close(String ip) {
        perIp.computeIfPresent(ip, (key, count) -> count <= 1 ? null : count - 1);
        open.decrementAndGet();
    }

    int open() {
        return open.get();
    }

    int max() {
        return max;
    }

    int maxPerIp() {
        return maxPerIp;
    }
}
