package io.gatehouse.core.plugin;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.logging.Logger;

/**
 * Keeps PF4J from logging a stack trace for a refusal the gateway reports itself in one line ({@link PluginHost}
 * logs every {@link PluginProblem} as a warning): PF4J logs each plugin that fails to load or start at SEVERE with
 * the whole trace, which for an expected refusal (an unmet {@code Plugin-Requires}, a bad descriptor, a class the
 * plugin did not bundle) buries the one line that says what to do. Other failures keep PF4J's trace.
 */
final class ReportedRefusals {

    /** PF4J logs through SLF4J onto java.util.logging, under the class name; held so the filter stays put. */
    private static final Logger PF4J = Logger.getLogger("org.pf4j.AbstractPluginManager");
    private static final Set<Throwable> REPORTED = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    static {
        PF4J.setFilter(record -> record.getThrown() == null || !(REPORTED.contains(record.getThrown())
                || Failures.missingClass(record.getThrown()).isPresent()));
    }

    private ReportedRefusals() {
    }

    /** Puts the filter on PF4J's logger (the class's initialisation does it; calling this makes sure). */
    static void install() {
        // nothing more: the static initialiser has run by now
    }

    /**
     * Marks a failure as reported by the gateway, so PF4J's log record of it is dropped.
     *
     * @return {@code failure}, to rethrow
     */
    static <T extends Throwable> T reported(T failure) {
        REPORTED.add(failure);
        return failure;
    }
}
