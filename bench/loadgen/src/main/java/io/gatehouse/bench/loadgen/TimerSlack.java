package io.gatehouse.bench.loadgen;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Linux lets a sleeping thread wake up to its "timer slack" (50 µs by default) after the time it asked for, to batch
 * wake-ups. Every such delay would show up in the latencies, which are measured from the intended send time, so the
 * connection threads lower their own slack with {@code prctl(PR_SET_TIMERSLACK, ns)} (through the FFM API; the JAR's
 * manifest enables native access). Elsewhere, or when that fails, nothing changes.
 */
final class TimerSlack {

    private static final int PR_SET_TIMERSLACK = 29;
    private static final MethodHandle PRCTL = prctl();

    private TimerSlack() {
    }

    /** Sets the calling platform thread's timer slack (0: back to the thread's default); whether that worked. */
    static boolean set(long nanos) {
        if (PRCTL == null) {
            return false;
        }
        try {
            return (int) PRCTL.invokeExact(PR_SET_TIMERSLACK, nanos) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle prctl() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("prctl")
                    .map(address -> linker.downcallHandle(address,
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                            Linker.Option.firstVariadicArg(1)))
                    .orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
