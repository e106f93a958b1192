package io.gatehouse.core.script;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The gateway's JavaScript runtime, alive as long as the gateway (config generations come and go around it): one
 * sandboxed {@link Engine} shared by every script (its code cache), the scripts routes have named, each at its
 * newest good version, and a watcher on {@code scripts/} that reloads a file within a second of a save. A file that
 * fails to load, or is deleted, leaves the last good version serving; the problem is logged and shown by
 * {@link #status()}.
 */
public final class ScriptHost implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ScriptHost.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*\\.m?js");
    /** Body buffering limit for text()/json() on requests, responses and fetch results. */
    static final long BODY_LIMIT = 10L * 1024 * 1024;
    /** Script fetches running at once in the whole gateway; each holds a virtual thread and a connection. */
    static final int GATEWAY_FETCHES = 1024;
    /** The JVM option that chooses the compilation mode instead of latency (see {@link #engine}). */
    private static final String MODE = "polyglot.engine.Mode";

    private final Path folder;
    private final Engine engine;
    private final Source prelude;
    private final OutputStream console;
    private final Watchdog watchdog = new Watchdog();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Semaphore fetchPermits = new Semaphore(GATEWAY_FETCHES);
    private volatile Supplier<Set<String>> upstreamNames = () -> null;
    private volatile java.util.function.BiConsumer<String, Boolean> failures = (script, timeout) -> {
    };
    private final boolean warmUps;
    private ScriptWatcher watcher;

    private ScriptHost(Path folder, boolean warmUps) {
        this.folder = folder.toAbsolutePath().normalize();
        this.warmUps = warmUps;
        this.console = new ConsoleLog();
        this.engine = engine(console);
        this.prelude = Source.newBuilder("js", preludeText(), "gatehouse-prelude.js").buildLiteral();
        warmUp();
        if ("Interpreted".equals(engine.getImplementationName())) {
            LOG.log(Level.WARNING, "JavaScript filters run on the Truffle interpreter, several times slower: this JVM "
                    + "has no optimizing Truffle runtime (start with bin/gatehouse, which enables it on JDK 25.0.3)");
        } else {
            LOG.log(Level.INFO, "JavaScript filters run on the optimizing Truffle runtime ({0}, {1} mode)",
                    engine.getImplementationName(), System.getProperty(MODE, "latency"));
        }
    }

    /**
     * The shared engine. On the optimizing runtime it compiles in latency mode unless the JVM is told otherwise
     * ({@code -Dpolyglot.engine.Mode=default} or {@code throughput}): first tier only, no last-tier compilations.
     * Those, on the one compiler thread of a 2-CPU machine and a Graal compiler that is itself cold after a start,
     * kept scripts in the interpreter for about 20 s after a start and several seconds after a save; latency mode
     * about halves the compilation work, for a few per cent of warm throughput (no inlining across JavaScript
     * functions). Measured in docs/benchmarks.md ("JavaScript filter warm-up"). The interpreter has no modes.
     */
    private static Engine engine(OutputStream console) {
        String chosen = System.getProperty(MODE);
        try {
            return engineBuilder(console).option("engine.Mode", chosen == null ? "latency" : chosen).build();
        } catch (IllegalArgumentException e) {
            // The interpreter has no such option; nor must the JVM's -Dpolyglot.engine.Mode reach it.
            Engine interpreter = engineBuilder(console).useSystemProperties(chosen == null).build();
            if (!"Interpreted".equals(interpreter.getImplementationName())) {
                interpreter.close();
                throw e;   // a mode the optimizing runtime does not know
            }
            return interpreter;
        }
    }

    private static Engine.Builder engineBuilder(OutputStream console) {
        return Engine.newBuilder("js")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(console)
                .err(console)
                .option("engine.WarnInterpreterOnly", "false")
                .logHandler(new EngineLog());
    }

    /**
     * Evaluates the prelude and a module once, outside any budget: the first module a JVM evaluates loads the
     * engine's module machinery, which can take seconds on a busy machine and would be charged to the first
     * script's load budget.
     */
    private void warmUp() {
        try (Context context = ScriptVersion.contextBuilder(engine, console, ModuleFiles.NONE).build()) {
            ScriptVersion.runtime(context, prelude, new HostResponse.Factory(), new ScriptVersion.ScriptLog(null));
            context.eval(Source.newBuilder("js", "export function filter(exchange, chain) {}", "gatehouse-warm-up.js")
                    .mimeType("application/javascript+module").buildLiteral());
        }
    }

    /**
     * Starts the runtime and watches {@code folder} (which may not exist yet).
     *
     * @param folder the gateway's {@code scripts/} folder
     */
    public static ScriptHost start(Path folder) {
        return start(folder, true);
    }

    /**
     * Starts the runtime for a command that only checks a config: scripts load as for serving, but nothing will
     * serve them, so they are not warmed up ({@link WarmUp}).
     */
    public static ScriptHost startToCheck(Path folder) {
        return start(folder, false);
    }

    private static ScriptHost start(Path folder, boolean warmUps) {
        ScriptHost host = new ScriptHost(folder, warmUps);
        try {
            host.watcher = ScriptWatcher.watch(host.folder, host::changed);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot watch {0} ({1}); script hot reload is off", host.folder, e.getMessage());
        }
        return host;
    }

    /** Where the names of the configured upstreams come from, to check a reloaded script's fetches. */
    public void upstreamNames(Supplier<Set<String>> names) {
        this.upstreamNames = names;
    }

    /**
     * @param failures told of each script call that failed (script name, {@code false}) or ran too long ({@code
     *                 true}), for the meters; must be cheap and not throw
     */
    public void onFailure(java.util.function.BiConsumer<String, Boolean> failures) {
        this.failures = failures;
    }

    /** A script call failed or ran too long. */
    void failed(String script, boolean timeout) {
        try {
            failures.accept(script, timeout);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "counting a failure of script {0} failed: {1}", script, e.toString());
        }
    }

    /** @return null when {@code name} is an acceptable script name, else what is wrong with it */
    public static String nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "required";
        }
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            return "'" + name + "' is not a script name: a .js file under scripts/, e.g. add-headers.js or "
                    + "examples/rewrite-path.js (no '..', no absolute path)";
        }
        return null;
    }

    /**
     * The script named {@code name} (relative to {@code scripts/}), loaded now if no route used it before. A script
     * whose top-level code overran its time budget is returned without a version: that depends on the machine as
     * much as on the file, so it does not make the config invalid; its routes answer 503 until a save loads it.
     *
     * @throws ScriptLoadException when it has never loaded successfully (missing, or broken since the start)
     */
    public Script resolve(String name) {
        Script script = scripts.computeIfAbsent(name, Script::new);
        if (script.current() == null) {
            load(script, false);
        }
        if (script.current() == null && !script.overran) {
            throw new ScriptLoadException(script.lastError());
        }
        return script;
    }

    Watchdog watchdog() {
        return watchdog;
    }

    /** The permits every script call's fetches share. */
    Semaphore fetchPermits() {
        return fetchPermits;
    }

    /** A saved file reloads the script of that name and every script that imports it (or looked for it). */
    private void changed(Path file) {
        String name = folder.relativize(file).toString().replace('\\', '/');
        for (Script script : scripts.values()) {
            if (script.name.equals(name) || script.imports(name)) {
                load(script, true);
            }
        }
    }

    /**
     * Loads the file's text as a new version unless it is the one serving. Under the script's own lock, so a
     * module evaluating for its whole budget holds up only another load of the same script, never a config
     * reload that loads others.
     *
     * @param saved true for the watcher (the file was saved: always try, and check its fetches against the
     *              serving config); false for a config being built, which checks fetches against its own upstreams
     *              and does not evaluate again a text that already failed
     */
    private void load(Script script, boolean saved) {
        script.lock.lock();
        try {
            ModuleGraph.Snapshot graph = read(script);
            if (graph == null || (script.current() != null ? graph.files().equals(script.files)
                    : !saved && graph.files().equals(script.failedFiles))) {
                return;
            }
            String text = graph.files().get(script.name);
            List<ScriptSource.Fetch> fetches = ScriptSource.fetches(script.name, graph.files());
            Set<String> known = saved ? upstreamNames.get() : null;
            String unknown = known == null ? null : unknownFetch(fetches, known);
            if (unknown != null) {
                script.failed(unknown + script.serving());
                return;
            }
            Source source = moduleSource(script.name, text);
            Map<String, byte[]> bytes = new java.util.HashMap<>();
            graph.files().forEach((name, content) -> bytes.put(name, content.getBytes(StandardCharsets.UTF_8)));
            try {
                script.loaded(ScriptVersion.load(script.name, script.versions + 1, engine, prelude, source, fetches,
                        console, watchdog, warmUps, new ModuleFiles(bytes)), graph);
            } catch (ScriptLoadException e) {
                script.failedToLoad(graph.files(), "scripts/" + e.getMessage() + script.serving(), e.overran());
            }
        } finally {
            script.lock.unlock();
        }
    }

    /**
     * The script's module: its path is virtual ({@code /name}, see {@link ModuleFiles}), so that its relative
     * imports resolve under {@code scripts/}; its name is the one errors show.
     */
    static Source moduleSource(String name, String text) {
        try {
            return Source.newBuilder("js", new java.io.File(ModuleFiles.pathOf(name))).content(text).name(name)
                    .mimeType("application/javascript+module").build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // the content is given: nothing is read
        }
    }

    /** @return the script and its imports, or null when they cannot be read (recorded as the script's error) */
    private ModuleGraph.Snapshot read(Script script) {
        try {
            ModuleGraph.Snapshot graph = ModuleGraph.read(folder, script.name);
            script.attempted = graph.names();
            return graph;
        } catch (ModuleGraph.Problem e) {
            script.attempted = e.names;
            script.failed(e.getMessage() + script.serving());
        } catch (NoSuchFileException e) {
            script.failed(script.current() == null ? "scripts/" + script.name + ": no such file"
                    : "scripts/" + script.name + " was deleted; still serving version " + script.current().number
                    + " (restore the file or remove it from the routes)");
        } catch (IOException e) {
            script.failed("scripts/" + script.name + ": cannot read: " + e.getMessage());
        }
        return null;
    }

    /** @return a problem when the script fetches, by a literal name, an upstream the config does not have */
    static String unknownFetch(List<ScriptSource.Fetch> fetches, Set<String> upstreams) {
        for (ScriptSource.Fetch fetch : fetches) {
            if (!upstreams.contains(fetch.upstream())) {
                return "scripts/" + fetch.file() + ":" + fetch.line() + ":" + fetch.column() + ": fetches upstream '"
                        + fetch.upstream() + "', which is not in the config (known: " + String.join(", ", upstreams) + ")";
            }
        }
        return null;
    }

    /** @return the admin view: every script a route has named, its serving version and its last error */
    public Map<String, Object> status() {
        List<Object> list = new ArrayList<>();
        scripts.values().stream().sorted((a, b) -> a.name.compareTo(b.name)).forEach(script -> {
            Map<String, Object> view = new LinkedHashMap<>();
            ScriptVersion current = script.current();
            view.put("name", script.name);
            view.put("version", current == null ? null : current.number);
            view.put("loaded_at", current == null ? null : current.loadedAt.toString());
            view.put("ok", script.lastError() == null);
            view.put("last_error", script.lastError());
            view.put("last_error_at", script.lastErrorAt == null ? null : script.lastErrorAt.toString());
            list.add(view);
        });
        return Map.of("runtime", engine.getImplementationName(), "scripts", list);
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        watchdog.close();
        scripts.values().forEach(script -> {
            if (script.current() != null) {
                script.current().retire();
            }
        });
        try {
            engine.close(true);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing the JavaScript engine: {0}", e.getMessage());
        }
    }

    /**
     * The prelude with the web-standard globals: a function (responses, scriptLog, platform) that installs url.js
     * and web.js (with {@link WebPlatform}) and returns prelude.js's {@code run}.
     */
    static String preludeText() {
        return "(function (responses, scriptLog, platform) {\n"
                + "const urlClasses = (" + resource("url.js") + ")();\n"
                + "const installWeb = " + resource("web.js") + ";\n"
                + "return (" + resource("prelude.js") + ")(responses, scriptLog,\n"
                + "    (reportError) => installWeb(platform, reportError, urlClasses));\n})";
    }

    static String resource(String name) {
        try (InputStream in = ScriptHost.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the gateway JAR");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One script file as routes see it: always its newest good version, or none yet. */
    public static final class Script {
        final String name;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile ScriptVersion current;
        private volatile String lastError;
        private volatile Instant lastErrorAt;
        private volatile boolean overran;
        private int versions;
        private Map<String, String> files;          // the serving version's modules (name -> text)
        private Map<String, String> failedFiles;
        private volatile Set<String> serves = Set.of();      // the names the serving version's modules have
        private volatile Set<String> attempted = Set.of();   // the names the last load read or looked for

        private Script(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        ScriptVersion current() {
            return current;
        }

        /** @return the fetches by literal name of the serving version (none without one) */
        public List<ScriptSource.Fetch> fetches() {
            ScriptVersion serving = current;
            return serving == null ? List.of() : serving.fetches;
        }

        public String lastError() {
            return lastError;
        }

        /** @return whether a save of {@code name} concerns this script: it imports it, or last looked for it */
        boolean imports(String name) {
            return serves.contains(name) || attempted.contains(name);
        }

        private void loaded(ScriptVersion next, ModuleGraph.Snapshot graph) {
            ScriptVersion previous = current;
            versions = next.number;
            this.files = graph.files();
            this.serves = graph.names();
            current = next;
            lastError = null;
            lastErrorAt = null;
            overran = false;
            failedFiles = null;
            if (previous != null) {
                previous.retire();
            }
            LOG.log(Level.INFO, "script {0} loaded (version {1}; warm-up: {2} calls in {3} ms)", name, next.number,
                    Integer.toString(next.warmUpCalls), Long.toString(next.warmUpMillis));
        }

        /** Evaluating {@code text} failed: it is not evaluated again until saved again. */
        private void failedToLoad(Map<String, String> files, String error, boolean overran) {
            failed(error);
            failedFiles = files;
            this.overran = overran;
        }

        private void failed(String error) {
            overran = false;
            lastError = error;
            lastErrorAt = Instant.now();
            LOG.log(Level.ERROR, "script not loaded: {0}", error);
        }

        private String serving() {
            return current == null ? "" : "; still serving version " + current.number;
        }
    }

    /**
     * The engine's own log records, into the gateway log. Its warning that Contexts on virtual threads are
     * experimental goes to DEBUG: we measured them (ScriptConcurrencyIT, bench/scripts) and use none of the
     * frame-materialising tools it is about; the option that silences it is experimental, so refused here.
     */
    private static final class EngineLog extends java.util.logging.Handler {
        private static final System.Logger ENGINE = System.getLogger("gatehouse.script.engine");

        @Override
        public void publish(java.util.logging.LogRecord record) {
            String message = record.getMessage();
            int level = record.getLevel().intValue();
            Level to = message != null && message.contains("virtual threads") ? Level.DEBUG
                    : level >= java.util.logging.Level.SEVERE.intValue() ? Level.ERROR
                    : level >= java.util.logging.Level.WARNING.intValue() ? Level.WARNING
                    : level >= java.util.logging.Level.INFO.intValue() ? Level.INFO : Level.DEBUG;
            ENGINE.log(to, "{0}: {1}", record.getLoggerName(), message);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** console.log / print output of scripts: to the gateway log, a line at a time. */
    private static final class ConsoleLog extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else if (line.size() < 8192) {
                line.write(b);
            }
        }

        private void flushLine() {
            ScriptCall.LOG.log(Level.INFO, "script console: {0}", line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
    }
}
