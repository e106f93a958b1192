package io.gatehouse.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.GatehouseApi;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse version} and {@code --version}: read at run time, the same first line. */
class VersionCommandTest {

    @Test
    void printsEveryPartReadAtRunTime() {
        Cli.Result result = Cli.run("version");
        assertEquals(0, result.exit(), result.toString());
        List<String> lines = result.outLines();
        assertEquals(5, lines.size(), result.toString());
        // Maven runs the tests on target/classes, which has no JAR manifest or Maven descriptor.
        assertEquals("Gatehouse " + Versions.UNPACKAGED, lines.get(0));
        assertEquals("plugin-api " + GatehouseApi.VERSION, lines.get(1));
        assertTrue(lines.get(2).matches("Helidon 4\\.\\d+\\.\\d+.*"), lines.get(2));
        assertTrue(lines.get(3).matches("GraalVM polyglot \\d+\\.\\d+\\.\\d+.*"), lines.get(3));
        assertTrue(lines.get(4).startsWith("JDK " + Runtime.version() + " ("), lines.get(4));
    }

    @Test
    void theVersionOptionPrintsTheFirstLineOnEveryCommand() {
        String first = Cli.run("version").outLines().getFirst();
        for (String[] args : List.of(new String[]{"--version"}, new String[]{"check", "--version"},
                new String[]{"plugins", "describe", "-V"})) {
            Cli.Result result = Cli.run(args);
            assertEquals(0, result.exit(), result.toString());
            assertEquals(List.of(first), result.outLines(), String.join(" ", args));
        }
    }

    @Test
    void json() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Cli.run("version", "--json").out());
        assertEquals(GatehouseApi.VERSION, json.get("plugin-api").asText());
        assertEquals(Runtime.version().toString(), json.get("JDK").asText().split(" ")[0]);
    }

    @Test
    void aMissingClassOrDescriptorIsUnknown() {
        assertEquals(Versions.UNKNOWN, Versions.of("no.such.Type", "no.such", "type"));
        // picocli's JAR has a manifest with Implementation-Version but no Maven descriptor
        assertTrue(Versions.of("picocli.CommandLine", "info.picocli", "nothing-here").matches("4\\.\\d+\\.\\d+"));
    }
}
