package io.gatehouse.core.upstream;

/**
 * A daemon thread that runs one task at a fixed interval for the life of the process, for the upstream side's
 * timers ({@link WriteWatchdog}, {@link IdleReaper}). A task that throws is run again at the next tick.
 */
final class Ticker {

    private Ticker() {
    }

    static void start(String name, long intervalMillis, Runnable task) {
        Thread.ofPlatform().daemon().name(name).start(() -> {
            while (true) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException ignored) {
                    // closing a socket that is already gone, most likely: the next tick goes on
                }
            }
        });
    }
}
