package io.gatehouse.core.cli;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Handles SIGTERM and SIGINT itself, so that a graceful stop happens while the JVM still runs normally and ends in
 * exit code 0. Left to the JVM, these signals run the shutdown hooks at once (concurrently with the logging system's
 * own hook, which closes the log handlers the drain still writes to) and end the process with 143 or 130, which
 * orchestrators report as a failure. The first signal starts the stop on its own thread; {@code run} then returns
 * and {@code main} exits 0. Uses {@code sun.misc.Signal} (module jdk.unsupported), the only signal API of the JDK;
 * where it is missing the shutdown hook still drains.
 */
final class StopSignals {

    private static final System.Logger LOG = System.getLogger(StopSignals.class.getName());

    private StopSignals() {
    }

    /** Runs {@code stop} once, on a new thread, on the first SIGTERM or SIGINT. */
    @SuppressWarnings("restriction")
    static void install(Runnable stop) {
        AtomicBoolean started = new AtomicBoolean();
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    if (started.compareAndSet(false, true)) {
                        LOG.log(Level.INFO, "SIG{0} received: stopping gracefully", name);
                        Thread.ofPlatform().name("gatehouse-stop").start(stop);
                    } else {
                        LOG.log(Level.INFO, "SIG{0} received: already stopping", name);
                    }
                });
            } catch (IllegalArgumentException | LinkageError e) {
                LOG.log(Level.DEBUG, "cannot handle SIG{0} ({1}); the shutdown hook stops the gateway", name,
                        e.toString());
            }
        }
    }
}
