package io.gatehouse.core.cli;

import io.gatehouse.api.GatehouseApi;
import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.cli.testplugins.ConnectingFilterFactory;
import io.gatehouse.core.cli.testplugins.DocumentedFilterFactory;
import io.gatehouse.core.cli.testplugins.DryCreateFilterFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gatehouse check}: every problem of every stage at once, one line each, and nothing else. The five-stage
 * config, its script and its output are those of docs/cli.md.
 */
class CheckCommandTest {

    static final String VALID = """
            upstreams:
              users: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } }
            routes:
              - { id: users, match: { path: /users }, upstream: users, filters: [ request_id ] }
            """;

    @TempDir
    Path home;

    @Test
    void aValidConfigIsOk() throws Exception {
        Path file = write("ok.yaml", VALID);
        Cli.Result result = Cli.run("check", file.toString(), "--home", home.toString());
        assertEquals(0, result.exit(), result.toString());
        assertEquals(List.of(file + ": OK"), result.outLines());
        assertEquals("", result.err());
    }

    @Test
    void reportsEveryStageInOneRunAndLogsNothing() throws Exception {
        Files.createDirectories(home.resolve("scripts"));
        Files.writeString(home.resolve("scripts/broken.js"), CliDoc.block("script: broken.js"));
        Path file = write("five.yaml", CliDoc.block("invalid-example: cli-five-stages"));
        RecordingHandler handler = new RecordingHandler();
        Logger root = Logger.getLogger("");
        Level before = root.getLevel();
        root.addHandler(handler);
        Cli.Result result;
        try {
            result = Cli.run("check", file.toString(), "--home", home.toString());
        } finally {
            root.removeHandler(handler);
        }
        assertEquals(1, result.exit(), result.toString());
        assertEquals("", result.err());
        assertEquals(5, result.outLines().size(), result.toString());
        assertEquals(CliDoc.block("output: cli-five-stages"), result.out(), "docs/cli.md shows what check prints");
        assertEquals(List.of(), handler.records, "check must log nothing: its problems are its output");
        assertEquals(before, root.getLevel(), "logging is restored after the command");
    }

    @Test
    void aYamlSyntaxErrorIsOneLineWithItsPosition() throws Exception {
        Path file = write("bad.yaml", "routes:\n  - id: [unclosed\n");
        Cli.Result result = Cli.run("check", file.toString(), "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        assertEquals(1, result.outLines().size(), result.toString());
        assertTrue(result.outLines().getFirst().matches("\\Q" + file + "\\E:\\d+:\\d+: YAML syntax error: .*"),
                result.toString());
    }

    @Test
    void aMissingFileIsAProblemNotAUsageError() {
        Path file = home.resolve("absent.yaml");
        Cli.Result result = Cli.run("check", file.toString(), "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        assertEquals(List.of(file + ": file not found"), result.outLines());
    }

    @Test
    void aRefusedPluginIsAProblemOfTheCheck() throws Exception {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        PluginJar.builder(plugins.resolve("future-1.0.0.jar")).id("future").requires(">=99.0.0")
                .extension(DocumentedFilterFactory.class).write();
        Path file = write("ok.yaml", VALID);
        Cli.Result result = Cli.run("check", file.toString(), "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        assertEquals(1, result.outLines().size(), result.toString());
        assertTrue(result.outLines().getFirst().startsWith("plugins/future-1.0.0.jar: "), result.toString());
        assertTrue(result.outLines().getFirst().contains("99.0.0"), result.toString());
        assertEquals("", result.err());
    }

    @Test
    void aFilterOfARefusedPluginSaysWhyItIsUnknown() throws Exception {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        PluginJar.builder(plugins.resolve("future-1.0.0.jar")).id("future").requires(">=99.0.0")
                .extension(DocumentedFilterFactory.class).write();
        Path file = write("uses.yaml", VALID.replace("filters: [ request_id ]", "filters: [ future ]"));
        Cli.Result result = Cli.run("check", file.toString(), "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        String why = "plugin 'future' 1.0.0 requires plugin-api >=99.0.0 but this gateway provides "
                + GatehouseApi.VERSION + "; it needs a newer gateway, or use a build of the plugin for plugin-api "
                + GatehouseApi.VERSION;
        assertEquals(List.of("plugins/future-1.0.0.jar: " + why,
                "routes[0].filters[0].future: unknown filter 'future' (plugin 'future' was refused: " + why + ")"),
                result.outLines(), result.toString());
    }

    @Test
    void aSideEffectFreeCreateRunsInTheCheckAndNoOtherDoes() throws Exception {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        PluginJar.builder(plugins.resolve("dry-1.0.0.jar")).id("dry").requires(">=1.5.0")
                .extension(DryCreateFilterFactory.class).extension(ConnectingFilterFactory.class).write();
        Path file = write("dry.yaml", VALID.replace("filters: [ request_id ]",
                "filters: [ { dry_create: { key: \"not base64!\" } }, { connecting: { url: \"http://127.0.0.1:9\" } } ]"));
        Cli.Result result = Cli.run("check", file.toString(), "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        assertEquals(1, result.outLines().size(), "connecting is not created: " + result);
        assertTrue(result.outLines().getFirst().startsWith("routes[0].filters[0].dry_create: filter.dry_create could "
                + "not be created: IllegalArgumentException: Illegal base64 character 20 (at "
                + DryCreateFilterFactory.class.getName() + ".create(DryCreateFilterFactory.java:"), result.toString());

        Path fixed = write("fixed.yaml", Files.readString(file).replace("not base64!", "a2V5"));
        assertEquals(0, Cli.run("check", fixed.toString(), "--home", home.toString()).exit());
    }

    @Test
    void withoutAFileItIsAUsageError() {
        Cli.Result result = Cli.run("check");
        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.err().contains("Missing required parameter: 'FILE'"), result.toString());
        assertEquals("", result.out());
    }

    private Path write(String name, String yaml) throws Exception {
        return Files.writeString(home.resolve(name), yaml);
    }

    private static final class RecordingHandler extends Handler {
        final List<String> records = new ArrayList<>();

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                records.add(record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
