package io.gatehouse.core.script;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;

import java.io.OutputStream;
import java.time.Duration;

/**
 * Finds where a module's top-level code runs away, for its load error. Cancelling a Context reports no guest
 * location, so the module is evaluated once more under a statement limit counted in the module's own source: the
 * statement that exhausts it is where the code was spinning. This happens in a throwaway engine, because statement
 * counting instruments the code it runs, and the shared engine's code is shared by every Context of every script.
 * Only a module that already overran its budget pays for this.
 */
final class RunawayLocator {

    /** Far more than any module sets up with, and under a second of interpreted JavaScript. */
    private static final long STATEMENTS = 5_000_000;

    private RunawayLocator() {
    }

    /**
     * @param cap the longest the second evaluation may take (a slow statement, such as a backtracking regex, may
     *            never reach the limit)
     * @return {@code line:column} of the statement running when the limit ran out, or null when the second
     * evaluation ended otherwise
     */
    static String locate(Source prelude, Source module, ModuleFiles files, Watchdog watchdog, Duration cap) {
        OutputStream discard = OutputStream.nullOutputStream();
        try (Engine engine = Engine.newBuilder("js")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(discard)
                .err(discard)
                .logHandler(discard)
                .option("engine.WarnInterpreterOnly", "false")
                .build()) {
            Context context = ScriptVersion.contextBuilder(engine, discard, files)
                    .resourceLimits(ResourceLimits.newBuilder()
                            .statementLimit(STATEMENTS, source -> source.equals(module))
                            .build())
                    .build();
            ModuleClock clock = new ModuleClock(context, cap);
            try {
                ScriptVersion.runtime(context, prelude, new HostResponse.Factory(), new ScriptVersion.ScriptLog(null));
                watchdog.register(clock);
                context.eval(module);
                return null;
            } catch (PolyglotException e) {
                SourceSection at = e.isResourceExhausted() ? e.getSourceLocation() : null;
                return at == null || !at.isAvailable() ? null : at.getStartLine() + ":" + at.getStartColumn();
            } finally {
                watchdog.forget(clock);
                clock.cancel();
            }
        }
    }
}
