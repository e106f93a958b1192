package io.gatehouse.core.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Config in → bound config or problem list out. Each {@code config/NAME.yaml} has a {@code NAME.expected}: the
 * {@link ConfigDump} of the bound config, or the problems one per line. Run with {@code -Dgolden.update=true} to
 * rewrite the expected files (then read the diff).
 */
class ConfigGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/config");
    private static final Map<String, String> ENV = Map.of(
            "GATEHOUSE_PORT", "9090",
            "USERS_URL", "http://10.0.0.5:8081",
            "EMPTY", "",
            "ADMIN_TOKEN", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesExpected(String name) throws IOException {
        String actual = run(name);
        Path expectedFile = DIR.resolve(name.replaceFirst("\\.yaml$", ".expected"));
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expectedFile, actual);
        }
        assertEquals(Files.readString(expectedFile), actual, name);
    }

    private static String run(String name) throws IOException {
        try {
            return ConfigDump.of(ConfigLoader.parse(Files.readString(DIR.resolve(name)), name, ENV));
        } catch (ConfigException e) {
            List<Problem> problems = e.problems();
            return problems.stream().map(p -> p + "\n").collect(Collectors.joining());
        }
    }
}
