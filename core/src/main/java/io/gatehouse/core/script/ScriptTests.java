package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code gatehouse script test}: runs {@code *.test.js} files in the sandbox scripts run in (same engine policy,
 * same Context builder, same globals, modules from {@code scripts/}), with the test API of testkit.js, and reports
 * in TAP. No gateway and no network: exchanges, chains and upstreams are fakes. A file gets {@link #FILE_BUDGET}.
 */
public final class ScriptTests {

    /** The time one test file may take, all its tests together. */
    static final Duration FILE_BUDGET = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param tap    the TAP (version 13) report
     * @param passed tests that passed
     * @param failed tests that failed, plus files that did not load or run
     */
    public record Report(String tap, int passed, int failed) {
        public boolean ok() {
            return failed == 0;
        }
    }

    private ScriptTests() {
    }

    /** @return every {@code *.test.js} under {@code folder}, in name order */
    public static List<Path> find(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".test.js") && Files.isRegularFile(f))
                    .sorted().toList();
        }
    }

    /**
     * Runs the test files (each under {@code folder}, the gateway's {@code scripts/}).
     *
     * @param log where {@code log.*} and {@code console.*} of the tests go ({@code print} output too)
     */
    public static Report run(Path folder, List<Path> files, OutputStream log) {
        Path root = folder.toAbsolutePath().normalize();
        List<String> lines = new ArrayList<>();
        int[] counts = new int[2];
        Source prelude = Source.newBuilder("js", ScriptHost.preludeText(), "gatehouse-prelude.js").buildLiteral();
        Source kit = Source.newBuilder("js", ScriptHost.resource("testkit.js"), "gatehouse-testkit.js").buildLiteral();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "script-test-timer");
            thread.setDaemon(true);
            return thread;
        });
        try (Engine engine = Engine.newBuilder("js").sandbox(SandboxPolicy.CONSTRAINED).out(log).err(log)
                .option("engine.WarnInterpreterOnly", "false").build()) {
            for (Path file : files) {
                Path absolute = file.toAbsolutePath().normalize();
                String name = root.relativize(absolute).toString().replace('\\', '/');
                List<String> results = absolute.startsWith(root)
                        ? runFile(engine, root, name, prelude, kit, log, timer)
                        : List.of(notOk(file + " is not under " + root + " (test files live beside the scripts)"));
                for (String result : results) {
                    counts[result.startsWith("ok") ? 0 : 1]++;
                    lines.add(result.replaceFirst("^(ok|not ok)", "$1 " + (counts[0] + counts[1]) + " - " + name + " >"));
                }
            }
        } finally {
            timer.shutdownNow();
        }
        StringBuilder tap = new StringBuilder("TAP version 13\n");
        lines.forEach(line -> tap.append(line).append('\n'));
        tap.append("1..").append(counts[0] + counts[1]).append('\n');
        tap.append("# pass ").append(counts[0]).append('\n').append("# fail ").append(counts[1]).append('\n');
        return new Report(tap.toString(), counts[0], counts[1]);
    }

    /** @return one TAP line (and its diagnostics) per test, "ok"/"not ok" first, numbered by the caller */
    private static List<String> runFile(Engine engine, Path root, String name, Source prelude, Source kit,
                                        OutputStream log, ScheduledExecutorService timer) {
        ModuleGraph.Snapshot graph;
        try {
            graph = ModuleGraph.read(root, name);
        } catch (ModuleGraph.Problem e) {
            return List.of(notOk("(did not load) " + e.getMessage()));
        } catch (IOException e) {
            return List.of(notOk("(did not load) cannot read: " + e.getMessage()));
        }
        Map<String, byte[]> bytes = new HashMap<>();
        graph.files().forEach((file, text) -> bytes.put(file, text.getBytes(StandardCharsets.UTF_8)));
        Context context = ScriptVersion.contextBuilder(engine, log, new ModuleFiles(bytes)).build();
        ScheduledFuture<?> stop = timer.schedule(() -> context.close(true), FILE_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ScriptVersion.runtime(context, prelude, new HostResponse.Factory(), new ScriptVersion.ScriptLog(name));
            Value api = context.eval(kit).execute();
            try {
                context.eval(ScriptHost.moduleSource(name, graph.files().get(name)));
            } catch (PolyglotException e) {
                if (e.isCancelled()) {
                    throw e;
                }
                return List.of(notOk("(did not load) scripts/" + ScriptLoadException.of(name, e).getMessage()));
            }
            api.invokeMember("run");
            return results(JSON.readTree(api.invokeMember("results").asString()));
        } catch (PolyglotException e) {
            return List.of(notOk(e.isCancelled() ? "(stopped) ran longer than " + FILE_BUDGET.toSeconds() + " s"
                    : "(failed) " + e.getMessage()));
        } catch (IOException e) {
            return List.of(notOk("(failed) " + e.getMessage()));
        } finally {
            stop.cancel(false);
            try {
                context.close(true);
            } catch (RuntimeException ignored) {
                // closed by the timer
            }
        }
    }

    private static List<String> results(JsonNode outcome) throws IOException {
        if (!outcome.path("done").asBoolean()) {
            return List.of(notOk(outcome.path("name").asText() + " (never settled: it awaits something that never "
                    + "comes)"));
        }
        List<String> lines = new ArrayList<>();
        for (JsonNode result : outcome.path("results")) {
            String test = result.path("name").asText();
            if (result.path("ok").asBoolean()) {
                lines.add("ok " + test);
                continue;
            }
            StringBuilder line = new StringBuilder("not ok ").append(test).append("\n  ---\n  message: ")
                    .append(JSON.writeValueAsString(result.path("kind").asText() + ": " + result.path("message").asText()));
            if (!result.path("stack").isEmpty()) {
                line.append("\n  at:");
                for (JsonNode frame : result.path("stack")) {
                    line.append("\n    - ").append(JSON.writeValueAsString(frame.asText()));
                }
            }
            lines.add(line.append("\n  ...").toString());
        }
        return lines;
    }

    private static String notOk(String what) {
        return "not ok " + what;
    }
}
