package io.gatehouse.core.cli;

import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.cli.testplugins.DocumentedFilterFactory;
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

/** {@code gatehouse check}: every problem of every stage at once, one line each, and nothing else. */
class CheckCommandTest {

    /** One problem per stage: binding, references, a component's config, a script, a host pattern. */
    static final String FIVE_STAGES = """
            upstreams:
              users: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } }
            routes:
              - id: a
                match: { path: /a, hosts: [ "bad host" ] }
                upstream: nowhere
                no_such_key: 1
                filters:
                  - strip_prefix: -2
                  - script: broken.js
            """;

    static final String BROKEN_SCRIPT = """
            export default function filter(exchange, chain) {
                return chain.proceed(exchange;
            }
            """;

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
        Files.writeString(home.resolve("scripts/broken.js"), BROKEN_SCRIPT);
        Path file = write("five.yaml", FIVE_STAGES);
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
        List<String> lines = result.outLines();
        assertEquals(5, lines.size(), result.toString());
        assertTrue(lines.get(0).startsWith("routes[0].no_such_key: unknown key"), lines.get(0));
        assertTrue(lines.get(1).startsWith("routes[0].upstream: unknown upstream 'nowhere'"), lines.get(1));
        assertTrue(lines.get(2).startsWith("routes[0].match.hosts[0]: host pattern 'bad host'"), lines.get(2));
        assertTrue(lines.get(3).startsWith("routes[0].filters[0].strip_prefix.parts: must be > 0"), lines.get(3));
        assertTrue(lines.get(4).matches("routes\\[0]\\.filters\\[1]\\.script: .*scripts/broken\\.js:2:\\d+: syntax error.*"),
                lines.get(4));
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
