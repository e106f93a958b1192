package io.gatehouse.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real {@code bin/gatehouse} of the unpacked distribution, command by command, with stdout and stderr apart:
 * {@code check} prints its problems and nothing else, {@code routes}, {@code version}, {@code plugins list},
 * {@code plugins describe}, {@code completion} (sourced by a real bash) and {@code --help} on each command.
 */
class CliIT {

    @TempDir
    static Path work;

    private static Path dist;
    private static Path launcher;

    @BeforeAll
    static void findTheDistribution() {
        dist = Path.of("target", "gatehouse-" + System.getProperty("gatehouse.dist.version")).toAbsolutePath();
        launcher = dist.resolve("bin/gatehouse");
        assertTrue(Files.isExecutable(launcher), "no unpacked distribution at " + dist);
    }

    /**
     * One problem of each stage (a bad key, a missing upstream, a bad filter option, a broken script, a bad host):
     * docs/cli.md's config, script and output.
     */
    @Test
    void checkReportsEveryStageAtOnceAndNothingElse() throws Exception {
        Path home = homeWithTheShippedPlugins();
        Files.createDirectories(home.resolve("scripts"));
        Files.writeString(home.resolve("scripts/broken.js"), docBlock("script: broken.js"));
        Path config = Files.writeString(home.resolve("five.yaml"), docBlock("invalid-example: cli-five-stages"));
        Result check = run("check", config.toString(), "--home", home.toString());
        assertEquals(1, check.exit(), check.toString());
        assertEquals("", check.err(), "nothing on stderr: " + check);
        assertEquals(5, check.out().lines().count(), check.toString());
        assertEquals(docBlock("output: cli-five-stages"), check.out());

        // The same on the Truffle interpreter, where the launcher puts GraalVM on the class path.
        Result interpreted = run(Map.of("GATEHOUSE_JIT", "0"), "check", config.toString(), "--home", home.toString());
        assertEquals(1, interpreted.exit(), interpreted.toString());
        assertEquals("", interpreted.err(), "nothing on stderr: " + interpreted);
        assertEquals(check.out(), interpreted.out());
    }

    /** A plugin's own config is checked too, by the plugin's record and its validate. */
    @Test
    void checkReportsAPluginsConfigProblem() throws Exception {
        Path config = Files.writeString(work.resolve("headers.yaml"), """
                upstreams:
                  users: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } }
                routes:
                  - id: a
                    match: { path: /a }
                    upstream: users
                    filters: [ { headers: { request: { sett: { X-A: "1" } } } } ]
                """);
        Result check = run("check", config.toString());
        assertEquals(1, check.exit(), check.toString());
        assertEquals("", check.err());
        assertEquals("routes[0].filters[0].headers.request.sett: unknown key (known keys: set, add, remove)\n",
                check.out());
    }

    @Test
    void checkOfTheShippedConfigIsOkAndQuiet() throws Exception {
        Result check = run("check", "conf/gatehouse.yaml");
        assertEquals(0, check.exit(), check.toString());
        assertEquals("conf/gatehouse.yaml: OK\n", check.out());
        assertEquals("", check.err());
    }

    @Test
    void routesOfTheShippedConfig() throws Exception {
        Result routes = run("routes", "conf/gatehouse.yaml");
        assertEquals(0, routes.exit(), routes.toString());
        assertEquals("", routes.err());
        List<String> lines = routes.out().lines().toList();
        assertTrue(lines.getFirst().matches("#\\s+ID\\s+HOST\\s+METHODS\\s+PATH\\s+PREDICATES\\s+UPSTREAM\\s+FILTERS"),
                routes.toString());
        assertTrue(lines.size() > 1 && lines.get(1).startsWith("1 "), routes.toString());

        Result json = run("routes", "conf/gatehouse.yaml", "--json");
        assertEquals(0, json.exit(), json.toString());
        assertTrue(json.out().strip().startsWith("[") && json.out().contains("\"precedence\" : 1"), json.toString());
    }

    @Test
    void versionReadsTheShippedJars() throws Exception {
        Result version = run("version");
        assertEquals(0, version.exit(), version.toString());
        List<String> lines = version.out().lines().toList();
        assertEquals("Gatehouse " + System.getProperty("gatehouse.dist.version"), lines.get(0));
        assertTrue(lines.get(1).matches("plugin-api \\d+\\.\\d+\\.\\d+"), version.toString());
        assertTrue(lines.get(2).matches("Helidon 4\\.\\d+\\.\\d+.*"), version.toString());
        assertTrue(lines.get(3).matches("GraalVM polyglot \\d+\\.\\d+\\.\\d+.*"), version.toString());
        assertTrue(lines.get(4).matches("JDK \\d+.*"), version.toString());
        assertEquals(lines.get(0) + "\n", run("--version").out());
    }

    @Test
    void pluginsListShowsEveryShippedPluginStarted() throws Exception {
        long jars;
        try (Stream<Path> plugins = Files.list(dist.resolve("plugins"))) {
            jars = plugins.filter(p -> p.toString().endsWith(".jar")).count();
        }
        Result list = run("plugins", "list");
        assertEquals(0, list.exit(), list.toString());
        assertEquals("", list.err());
        assertEquals(jars, list.out().lines().filter(l -> l.matches("\\S+\\s+\\S+\\s+started\\s+.*")).count(),
                list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("auth-jwt\\s+.*\\s+filter\\.jwt")), list.toString());
        assertTrue(list.out().contains("BUILTIN"), list.toString());
    }

    @Test
    void pluginsDescribeJwtShowsItsSchemaWithDocs() throws Exception {
        Result describe = run("plugins", "describe", "filter.jwt");
        assertEquals(0, describe.exit(), describe.toString());
        assertEquals("", describe.err());
        String out = describe.out();
        assertTrue(out.startsWith("filter.jwt — plugin 'auth-jwt'"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("jwks_url\\s+string\\s+none\\s+an http\\(s\\) URL of a JSON "
                + "Web Key Set.*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("refresh_interval\\s+duration\\s+5m\\s+.*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("required_claims\\s+list of strings\\s+\\[exp]\\s+.*")), out);
    }

    @Test
    void theCompletionScriptLoadsInBash() throws Exception {
        Path script = work.resolve("gatehouse_completion");
        Result completion = run("completion");
        assertEquals(0, completion.exit(), completion.toString());
        Files.writeString(script, completion.out());
        Result bash = exec(List.of("bash", "-c", "source " + script + " && complete -p gatehouse"));
        assertEquals(0, bash.exit(), bash.toString());
        assertTrue(bash.out().contains("-F _complete_gatehouse"), bash.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "check", "routes", "plugins", "plugins list", "plugins describe", "version",
            "hash-key", "completion", "demo"})
    void everyCommandHasHelp(String command) throws Exception {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        Result help = run(args.toArray(String[]::new));
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Usage: gatehouse" + (command.isEmpty() ? "" : " " + command)),
                help.toString());
        assertEquals("", help.err());
    }

    @Test
    void aUsageErrorExitsWith2() throws Exception {
        Result wrong = run("check", "--no-such-option", "conf/gatehouse.yaml");
        assertEquals(2, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().startsWith("Unknown option: '--no-such-option'"), wrong.toString());
    }

    /** The code block after {@code <!-- MARKER -->} in docs/cli.md. */
    private static String docBlock(String marker) throws IOException {
        Path page = Path.of("..", "docs", "cli.md").toAbsolutePath().normalize();
        Matcher block = Pattern.compile("<!-- " + Pattern.quote(marker) + " -->\\s*```\\w*\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(page));
        assertTrue(block.find(), "docs/cli.md has no block marked " + marker);
        return block.group(1);
    }

    /** A home of our own (for scripts/), with the distribution's plugins. */
    private static Path homeWithTheShippedPlugins() throws IOException {
        Path home = Files.createTempDirectory(work, "home");
        Files.createSymbolicLink(home.resolve("plugins"), dist.resolve("plugins"));
        return home;
    }

    private record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Result run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    private static Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        return exec(command, env);
    }

    private static Result exec(List<String> command) throws Exception {
        return exec(command, Map.of());
    }

    private static Result exec(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dist.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(process.exitValue(), out, err.get(10, TimeUnit.SECONDS));
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
