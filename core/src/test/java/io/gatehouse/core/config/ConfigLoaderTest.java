package io.gatehouse.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @Test
    void refusesBillionLaughs() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char prev = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev).append("]\n");
        }
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml.toString(), "lol.yaml", Map.of()));
        assertTrue(e.problems().getFirst().toString().equals("lol.yaml: config expands to more than 1000000 values (aliases nested too deep?)"),
                e.getMessage());
    }

    @Test
    void refusesTooManyValuesWithoutAliasesToo() {
        String yaml = "a: [" + "0,".repeat((int) ConfigLoader.MAX_NODES) + "0]\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "big.yaml", Map.of()));
        assertEquals("big.yaml: config expands to more than 1000000 values (aliases nested too deep?)",
                e.problems().getFirst().toString());
    }

    @Test
    void countsSharedValuesOncePerUse() {
        // a list of 400 000 values written once and used three times: over the limit
        String yaml = "a: &m [" + "0,".repeat(400_000) + "0]\nb: [*m]\nc: { x: *m }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "m.yaml", Map.of()));
        assertEquals("m.yaml: config expands to more than 1000000 values (aliases nested too deep?)",
                e.problems().getFirst().toString());
    }

    @Test
    void refusesSelfReference() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("a: &x [*x]\n", "r.yaml", Map.of()));
        assertTrue(e.getMessage().contains("aliases nested too deep"), e.getMessage());
    }

    @Test
    void refusesObjectTags() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("server: !!java.io.File /etc/passwd\n", "t.yaml", Map.of()));
        assertTrue(e.problems().getFirst().path().startsWith("t.yaml:1:"), e.getMessage());
    }

    @Test
    void identityHeadersDefaultAndBadNamesAreNamed() throws ConfigException {
        assertEquals(ServerConfig.DEFAULT_IDENTITY_HEADERS,
                ConfigLoader.parse("server: { port: 8080 }\n", "d.yaml", Map.of()).server().identityHeaders());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "server: { identity_headers: [X-Real-IP, \"X Real IP\", \"\"] }\n", "i.yaml", Map.of()));
        assertEquals(List.of("server.identity_headers[1]: expected a header name like X-Real-IP, got 'X Real IP'",
                "server.identity_headers[2]: expected a header name like X-Real-IP, got ''"),
                e.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void loadsFileAndNamesMissingOne(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("g.yaml"), "server:\n  port: ${PORT:8080}\n");
        assertEquals(9999, ConfigLoader.load(file, Map.of("PORT", "9999")).server().port());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("no.yaml"), Map.of()));
        assertEquals(dir.resolve("no.yaml") + ": 1 config problem\n" + dir.resolve("no.yaml") + ": file not found",
                e.getMessage());
    }
}
