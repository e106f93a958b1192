package io.gatehouse.core.wire;

/**
 * Gives the other virtual threads their turn before a socket read that would most likely find nothing yet: the
 * upstream's answer right after its request was written, the client's next request right after a response.
 *
 * <p>A virtual thread whose read finds no bytes is parked: the JDK re-arms the socket with its poller (one
 * {@code epoll_ctl}), a poller wakes on the data, and the thread is scheduled again, after an empty read. Under
 * load the bytes usually arrive while the carriers run the other connections' work, so yielding first turns most of
 * those parks into one read that finds its bytes. With nothing else to run the yield returns at once. Measured in
 * docs/benchmarks.md ("What limits the proxy", step 10): at 32 connections, {@code epoll_ctl} per request 1.84 →
 * 0.68, reads 4.8 → 3.6, throughput +7 %; one connection and 256 unchanged. A second yield made it worse.
 *
 * <p>Platform threads (blocking clients in tests, the admin side) do not yield: for them it is a system call that
 * buys nothing.
 */
public final class ReadTurn {

    private ReadTurn() {
    }

    /** Yields once when running on a virtual thread. */
    public static void yieldBeforeRead() {
        if (Thread.currentThread().isVirtual()) {
            Thread.yield();
        }
    }
}
