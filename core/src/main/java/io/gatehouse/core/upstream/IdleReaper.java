package io.gatehouse.core.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Once a second, closes the keep-alive connections of every open pool that have been idle too long. One daemon
 * thread for the process; it only looks at timestamps and never reads a connection, so it cannot race a request
 * for its bytes (see {@link ConnectionPool}).
 */
final class IdleReaper {

    private static final long INTERVAL_MILLIS = 1000;
    private static final Set<ConnectionPool> POOLS = ConcurrentHashMap.newKeySet();

    static {
        Ticker.start("gatehouse-idle-upstream-connections", INTERVAL_MILLIS,
                () -> POOLS.forEach(ConnectionPool::reapIdle));
    }

    private IdleReaper() {
    }

    static void register(ConnectionPool pool) {
        POOLS.add(pool);
    }

    static void unregister(ConnectionPool pool) {
        POOLS.remove(pool);
    }
}
