package io.gatehouse.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.cli.testplugins.DocumentedFilterFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse plugins list} and {@code plugins describe ID}. */
class PluginsCommandTest {

    @TempDir
    Path home;

    @BeforeEach
    void plugins() throws Exception {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        PluginJar.builder(plugins.resolve("documented-1.4.0.jar")).id("documented").version("1.4.0")
                .requires(">=1.0.0").extension(DocumentedFilterFactory.class).write();
        PluginJar.builder(plugins.resolve("future-2.0.0.jar")).id("future").version("2.0.0").requires(">=99.0.0")
                .extension(DocumentedFilterFactory.class).write();
    }

    @Test
    void listShowsPluginsWithTheirStateAndTheBuiltins() {
        Cli.Result result = Cli.run("plugins", "list", "--home", home.toString());
        assertEquals(0, result.exit(), result.toString());
        assertEquals("", result.err());
        List<String> lines = result.outLines();
        assertTrue(lines.get(0).matches("PLUGIN\\s+VERSION\\s+STATE\\s+SOURCE\\s+PROVIDES"), result.toString());
        assertTrue(lines.get(1).matches("documented\\s+1\\.4\\.0\\s+started\\s+documented-1\\.4\\.0\\.jar\\s+"
                + "filter\\.documented"), result.toString());
        // refused before it was loaded: no version but the one its message names
        assertTrue(lines.get(2).matches("future\\s+-\\s+refused\\s+future-2\\.0\\.0\\.jar\\s+-"),
                result.toString());
        assertTrue(lines.get(3).startsWith("future: ") && lines.get(3).contains("99.0.0"), result.toString());
        assertTrue(result.out().contains("BUILTIN"), result.toString());
        assertTrue(result.out().lines().anyMatch(l -> l.matches("filter\\.strip_prefix\\s+active")), result.toString());
    }

    @Test
    void listAsJson() throws Exception {
        Cli.Result result = Cli.run("plugins", "list", "--home", home.toString(), "--json");
        assertEquals(0, result.exit(), result.toString());
        JsonNode json = new ObjectMapper().readTree(result.out());
        JsonNode documented = json.get("plugins").get(0);
        assertEquals("documented", documented.get("id").asText());
        assertEquals("started", documented.get("state").asText());
        assertEquals("[\"filter.documented\"]", documented.get("provides").toString());
        JsonNode future = json.get("plugins").get(1);
        assertEquals("refused", future.get("state").asText());
        assertTrue(future.get("problems").get(0).asText().contains("99.0.0"), future.toString());
        assertTrue(json.get("builtins").toString().contains("\"filter.script\""), json.toString());
    }

    @Test
    void describeShowsKeysTypesDefaultsAndDocs() {
        Cli.Result result = Cli.run("plugins", "describe", "filter.documented", "--home", home.toString());
        assertEquals(0, result.exit(), result.toString());
        assertEquals("", result.err());
        String out = result.out();
        assertTrue(out.startsWith("filter.documented — plugin 'documented' (documented-1.4.0.jar)\n"), out);
        assertTrue(out.contains("shortcut: a scalar sets greeting (`documented: VALUE`)"), out);
        assertRow(out, "greeting", "string", "hello", "the greeting, shown to everyone");
        assertRow(out, "mode", "one of fast_path, slow", "fast_path", "how it runs");
        assertRow(out, "timeout", "duration", "90s", "");
        assertRow(out, "target", "map", "", "");
        assertRow(out, "target.host", "string", "localhost", "the target's host");
        assertRow(out, "target.port", "integer", "80", "the target's port");
        assertRow(out, "rules", "list of maps", "required", "the rules, in order");
        assertRow(out, "rules[].name", "string", "required", "a rule's name");
        assertRow(out, "rules[].pause", "duration", "-", "");
        assertRow(out, "tags", "list of strings", "[a, b]", "");
        assertTrue(out.contains("an empty config is refused:\n  rules: at least one rule\n"), out);
    }

    @Test
    void describeABuiltinByItsBareName() {
        Cli.Result result = Cli.run("plugins", "describe", "static", "--home", home.toString());
        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().startsWith("discovery.static — builtin"), result.toString());
        assertRow(result.out(), "endpoints[].url", "string", "required", "base URL, http://host:port");
        assertRow(result.out(), "endpoints[].weight", "integer", "-", "relative share of the requests");
    }

    @Test
    void describeAsJson() throws Exception {
        Cli.Result result = Cli.run("plugins", "describe", "filter.strip_prefix", "--json", "--home", home.toString());
        assertEquals(0, result.exit(), result.toString());
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertEquals("filter.strip_prefix", json.get("id").asText());
        JsonNode parts = json.get("schema").get("keys").get(0);
        assertEquals("parts", parts.get("key").asText());
        assertEquals("integer", parts.get("type").asText());
        assertEquals("required", parts.get("default_value").asText());
        assertTrue(parts.get("doc").asText().contains("segments"), parts.toString());
        assertEquals("parts", json.get("schema").get("shortcut").asText());
    }

    @Test
    void anUnknownIdIsAUsageErrorListingTheInstalledOnes() {
        Cli.Result result = Cli.run("plugins", "describe", "filter.nope", "--home", home.toString());
        assertEquals(2, result.exit(), result.toString());
        assertEquals("", result.out());
        assertTrue(result.err().startsWith("unknown component 'filter.nope' (installed: "), result.toString());
        assertTrue(result.err().contains("filter.documented"), result.toString());
    }

    @Test
    void pluginsAloneShowsTheUsage() {
        Cli.Result result = Cli.run("plugins");
        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.err().contains("Usage: gatehouse plugins"), result.toString());
    }

    /** A table row: the cells separated by two or more spaces (an empty cell leaves a wider gap). */
    private static void assertRow(String out, String key, String type, String defaultValue, String doc) {
        String expected = String.join("  ", List.of(key, type, defaultValue, doc)).strip();
        boolean found = out.lines().map(l -> l.replaceAll(" {2,}", "  ").strip())
                .anyMatch(l -> l.equals(expected.replaceAll(" {2,}", "  ")));
        assertTrue(found, "no row '" + expected + "' in\n" + out);
    }
}
