package io.gatehouse.core.generation;

import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.LoadedConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.plugin.ComponentRegistry;
import io.gatehouse.core.script.ScriptHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gatehouse check} against {@code run}: each {@code check/NAME.yaml} has a {@code NAME.expected} listing
 * every problem check reports, one per line, empty for a config that builds. Whatever {@code run} refuses is in
 * that list with the same path, and a config check passes builds. Scripts come from {@code check/scripts/}. Run
 * with {@code -Dgolden.update=true} to rewrite the expected files (then read the diff).
 */
class ConfigCheckGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/check");
    private static ScriptHost scripts;
    private static GenerationBuilder builder;

    @BeforeAll
    static void start() {
        scripts = ScriptHost.start(DIR.resolve("scripts"));
        builder = new GenerationBuilder(ComponentRegistry.of(Builtins.factories()), DIR, () -> scripts);
    }

    @AfterAll
    static void stop() {
        scripts.close();
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void checkReportsEveryStageAndRunRefusesWithTheSamePaths(String name) throws IOException {
        LoadedConfig loaded = ConfigLoader.read(DIR.resolve(name), Map.of());
        List<String> checked = builder.check(loaded).stream().map(Problem::toString).toList();
        String actual = checked.stream().map(p -> p.replace(DIR.toString(), "check") + "\n").collect(Collectors.joining());
        Path expectedFile = DIR.resolve(name.replaceFirst("\\.yaml$", ".expected"));
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expectedFile, actual);
        }
        assertEquals(Files.readString(expectedFile), actual, name);

        try (Generation built = builder.build(loaded)) {
            assertEquals(List.of(), checked, "run built it, so check must pass it");
        } catch (ConfigException e) {
            assertTrue(!e.problems().isEmpty());
            for (Problem problem : e.problems()) {
                assertTrue(checked.contains(problem.toString()), "run refused with '" + problem
                        + "', which check did not report: " + checked);
            }
        }
    }
}
