package io.gatehouse.core.script;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One compiled version of a script file and its pool of Contexts. A Context runs one call at a time; the pool grows
 * on demand up to {@link #MAX_CONTEXTS} in use (a call holds its Context while it waits for the upstream), and a
 * Context whose call was cancelled is dropped, never reused. A retired version closes its Contexts as they return.
 * Every new Context evaluates the module again, each time under {@link #LOAD_BUDGET}: top-level code that does not
 * end is stopped there, whether it runs on the loader's thread or on a request's.
 */
final class ScriptVersion {

    static final int MAX_CONTEXTS = 256;
    /** The time a module's top-level code may take; it only sets things up, so this is generous. */
    static final Duration LOAD_BUDGET = Duration.ofSeconds(2);
    private static final long ACQUIRE_WAIT_SECONDS = 10;
    /** {@code -Dgatehouse.script_warm_up=off} loads versions without {@link WarmUp} (to measure what it gains). */
    private static final boolean WARM_UP = !"off".equals(System.getProperty("gatehouse.script_warm_up"));

    final String name;
    final int number;
    final Instant loadedAt;
    final List<ScriptSource.Fetch> fetches;
    private final Engine engine;
    private final Source prelude;
    private final Source module;
    private final OutputStream console;
    private final HostResponse.Factory responses;
    private final Watchdog watchdog;
    private final ModuleFiles files;
    private final ConcurrentLinkedQueue<ScriptContext> idle = new ConcurrentLinkedQueue<>();
    // The Context a thread used last: entering a Context from the thread that entered it before skips the engine's
    // thread-change path (a synchronized, engine-wide map of thread states), which cost a few percent of every call
    // and stalled calls for tens of milliseconds under load. Helidon serves a connection on one virtual thread.
    private final ThreadLocal<ScriptContext> lastUsed = new ThreadLocal<>();
    private final Semaphore inUse = new Semaphore(MAX_CONTEXTS);
    private volatile boolean retired;
    int warmUpCalls;
    long warmUpMillis;

    private ScriptVersion(String name, int number, Engine engine, Source prelude, Source module,
                          List<ScriptSource.Fetch> fetches, OutputStream console, Watchdog watchdog, ModuleFiles files) {
        this.name = name;
        this.number = number;
        this.loadedAt = Instant.now();
        this.engine = engine;
        this.prelude = prelude;
        this.module = module;
        this.fetches = fetches;
        this.console = console;
        this.responses = new HostResponse.Factory();
        this.watchdog = watchdog;
        this.files = files;
    }

    /**
     * Compiles a version by building its first Context (evaluating the module once).
     *
     * @throws ScriptLoadException with file:line:column when the module does not parse, throws at top level, runs
     *                             past {@link #LOAD_BUDGET} or exports no {@code filter} function
     */
    static ScriptVersion load(String name, int number, Engine engine, Source prelude, Source module,
                              List<ScriptSource.Fetch> fetches, OutputStream console, Watchdog watchdog,
                              boolean warmUp, ModuleFiles files) {
        ScriptVersion version = new ScriptVersion(name, number, engine, prelude, module, fetches, console, watchdog,
                files);
        ScriptContext first;
        try {
            first = version.newContext();
        } catch (ScriptLoadException e) {
            if (!e.overran()) {
                throw e;
            }
            String at = RunawayLocator.locate(prelude, module, files, watchdog, LOAD_BUDGET);
            if (at != null) {
                throw ScriptLoadException.overran(name, at, LOAD_BUDGET);
            }
            // evaluated again it did not run away: a slow moment of the machine, so one more try
            first = version.newContext();
        }
        first.queued.set(true);
        version.idle.add(first);
        if (warmUp && WARM_UP) {
            version.warmUp();
        }
        return version;
    }

    /**
     * Runs {@link WarmUp} in a Context of its own, closed afterwards; a module that fails or overruns there (it
     * loaded a moment ago: a slow moment of the machine) only means no warm-up.
     */
    private void warmUp() {
        long start = System.nanoTime();
        ScriptContext context;
        try {
            context = newContext(true);
        } catch (ScriptLoadException e) {
            return;
        }
        try {
            warmUpCalls = WarmUp.run(name, context);
        } finally {
            context.close();
        }
        warmUpMillis = (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * A sandboxed Context on {@code engine} as scripts get them (before any limits a caller adds). Its only I/O is
     * {@code files}, in memory: CONSTRAINED admits a custom file system (it refuses host file access).
     */
    static Context.Builder contextBuilder(Engine engine, OutputStream console, ModuleFiles files) {
        return Context.newBuilder("js")
                .engine(engine)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .allowHostAccess(HostAccess.CONSTRAINED)
                .allowIO(IOAccess.newBuilder().fileSystem(files).build())
                .out(console)
                .err(console)
                .option("js.esm-eval-returns-exports", "true")
                .option("js.text-encoding", "true");
    }

    /** Evaluates the prelude in {@code context}: installs the globals and returns its {@code run} function. */
    static Value runtime(Context context, Source prelude, HostResponse.Factory responses, ScriptLog log) {
        return context.eval(prelude).execute(responses, log, WebPlatform.INSTANCE);
    }

    private ScriptContext newContext() {
        return newContext(false);
    }

    /** @param quiet for the warm-up: console output and module-level log lines go nowhere */
    private ScriptContext newContext(boolean quiet) {
        Context context = contextBuilder(engine, quiet ? OutputStream.nullOutputStream() : console, files).build();
        ModuleClock clock = new ModuleClock(context, LOAD_BUDGET);
        try {
            Value run = runtime(context, prelude, responses, new ScriptLog(quiet ? null : name));
            Value exports;
            watchdog.register(clock);
            try {
                exports = context.eval(module);
            } finally {
                watchdog.forget(clock);
            }
            if (!clock.finish()) {
                throw ScriptLoadException.overran(name, null, LOAD_BUDGET);
            }
            Value filter = exports == null ? null : exports.getMember("filter");
            if (filter == null || !filter.canExecute()) {
                throw new ScriptLoadException(name + ": the module must export a function named filter "
                        + "(export function filter(exchange, chain) { ... })");
            }
            return new ScriptContext(context, run, filter, watchdog);
        } catch (PolyglotException e) {
            closeQuietly(context);
            throw clock.expired() ? ScriptLoadException.overran(name, null, LOAD_BUDGET) : ScriptLoadException.of(name, e);
        } catch (RuntimeException e) {
            closeQuietly(context);
            throw e;
        }
    }

    private static void closeQuietly(Context context) {
        try {
            context.close(true);
        } catch (RuntimeException ignored) {
            // already closed by the watchdog
        }
    }

    /** @return this thread's last Context if idle, else an idle Context, else a new one; waits while
     * {@link #MAX_CONTEXTS} calls are running */
    ScriptContext acquire() throws InterruptedException {
        // the untimed try first: the timed one checks the thread's interrupt status and reads the clock each call
        if (!inUse.tryAcquire() && !inUse.tryAcquire(ACQUIRE_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new io.gatehouse.api.GatewayException(503, "script_busy", "script " + name + " has "
                    + MAX_CONTEXTS + " calls running; try again");
        }
        try {
            ScriptContext last = lastUsed.get();
            if (last != null && last.claim()) {
                return last;
            }
            for (ScriptContext context; (context = idle.poll()) != null; ) {
                context.queued.set(false);
                if (context.claim()) {
                    lastUsed.set(context);
                    return context;
                }
                // taken meanwhile by the thread that used it last; its release queues it again
            }
            ScriptContext context = newContext();
            context.claim();
            lastUsed.set(context);
            return context;
        } catch (RuntimeException e) {
            inUse.release();
            throw e;
        }
    }

    /** Returns a Context after a call; {@code broken} ones (cancelled, timed out) are closed instead. */
    void release(ScriptContext context, boolean broken) {
        if (broken) {
            context.state.set(ScriptContext.CLOSED);
            inUse.release();
            context.cancel();
            return;
        }
        if (retired) {
            context.state.set(ScriptContext.CLOSED);
            inUse.release();
            context.close();
            return;
        }
        context.state.set(ScriptContext.IDLE);
        if (context.queued.compareAndSet(false, true)) {
            idle.add(context);
        }
        inUse.release();
        if (retired && context.state.compareAndSet(ScriptContext.IDLE, ScriptContext.CLOSED)) {
            context.close();
        }
    }

    /** Stops pooling: idle Contexts close now, busy ones when their call returns them. */
    void retire() {
        retired = true;
        for (ScriptContext context; (context = idle.poll()) != null; ) {
            if (context.state.compareAndSet(ScriptContext.IDLE, ScriptContext.CLOSED)) {
                context.close();
            }
        }
    }

    /**
     * A Context of this version with the prelude's {@code run} and the module's {@code filter}, looked up once. Its
     * running call is one volatile field the {@link Watchdog} reads, so starting and ending a call costs two writes
     * (besides entering and leaving the Context).
     */
    static final class ScriptContext implements Watchdog.Watched {
        static final int IDLE = 0;
        static final int BUSY = 1;
        static final int CLOSED = 2;
        /** Tests only: runs on the calling thread just before a call enters its Context (a slow entry). */
        static volatile Runnable beforeEntry;

        final AtomicInteger state = new AtomicInteger(IDLE);
        final AtomicBoolean queued = new AtomicBoolean();   // has an entry in the idle queue
        private final Context context;
        private final Value run;
        private final Value filter;
        private final Watchdog watchdog;
        private volatile ScriptCall running;
        private boolean used;   // only the call holding the Context touches it; the pool's queue publishes it

        ScriptContext(Context context, Value run, Value filter, Watchdog watchdog) {
            this.context = context;
            this.run = run;
            this.filter = filter;
            this.watchdog = watchdog;
            watchdog.register(this);
        }

        /** @return true when the Context was idle and is now this caller's */
        boolean claim() {
            return state.compareAndSet(IDLE, BUSY);
        }

        /** @return true the first time only */
        boolean firstCall() {
            boolean first = !used;
            used = true;
            return first;
        }

        /**
         * Runs the filter for {@code call}, watched by the watchdog while it runs. The call's clock starts once the
         * Context is entered: a thread's first entry registers it in the engine's thread table, a synchronized map,
         * and when a few hundred new connections arrive at once their threads queue there (58 ms seen at 256
         * connections on 2 CPUs, before any JavaScript ran). That wait is not the script's time; counted, it cut
         * whole bursts of calls at the 50 ms default.
         */
        void execute(ScriptCall call, String configJson) {
            Runnable hook = beforeEntry;
            if (hook != null) {
                hook.run();
            }
            context.enter();
            try {
                call.resume();
                run.executeVoid(filter, call, configJson);
            } finally {
                leave();
            }
        }

        private void leave() {
            try {
                context.leave();
            } catch (IllegalStateException closed) {
                // this thread entered it just before, so only a close meanwhile (the watchdog's cancel, a shutdown)
                // makes leave refuse; that close has let go of the thread already
            }
        }

        /** Makes {@code call} (null: none) the one the watchdog checks. */
        void running(ScriptCall call) {
            running = call;
        }

        @Override
        public boolean overBudget(long now) {
            ScriptCall call = running;
            // true once per call: it moves the call to KILLED
            return call != null && call.overBudget(now);
        }

        @Override
        public void stalled(long nanos) {
            ScriptCall call = running;
            if (call != null) {
                call.stalled(nanos);
            }
        }

        void close() {
            watchdog.forget(this);
            try {
                context.close();
            } catch (RuntimeException e) {
                cancel();
            }
        }

        @Override
        public void cancel() {
            watchdog.forget(this);
            try {
                context.close(true);
            } catch (RuntimeException ignored) {
                // already cancelled or closed
            }
        }
    }

    /** The module-level {@code log} target (no request yet); exported to the prelude. A null script logs nothing. */
    public static final class ScriptLog {
        private final String script;

        ScriptLog(String script) {
            this.script = script;
        }

        @HostAccess.Export
        public void log(String level, String message) {
            if (script != null) {
                ScriptCall.LOG.log(System.Logger.Level.valueOf(level), "script {0}: {1}", script, message);
            }
        }
    }
}
