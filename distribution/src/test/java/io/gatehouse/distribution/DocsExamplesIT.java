package io.gatehouse.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every complete config example in {@code docs/} and the README (a {@code yaml} block with {@code routes:} or
 * {@code upstreams:} at its top level) is checked by the built distribution's {@code bin/gatehouse check}, with
 * the plugins the distribution ships. A doc example that stops being valid fails the build.
 */
class DocsExamplesIT {

    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern FULL_CONFIG = Pattern.compile("^(routes|upstreams):", Pattern.MULTILINE);

    @TempDir
    static Path work;

    /**
     * @param marked whether a {@code <!-- example: NAME -->} marker precedes the block: an example a test of the
     *               core runs with the files and environment it names (certificates, a script, a password), which
     *               this install does not have
     */
    record Example(String file, int index, String yaml, boolean marked) {
        @Override
        public String toString() {
            return file + " example " + index;
        }
    }

    static Stream<Example> examples() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Example> examples = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher blocks = YAML_BLOCK.matcher(text);
            int index = 0;
            int previousEnd = 0;
            while (blocks.find()) {
                index++;
                boolean marked = text.substring(previousEnd, blocks.start()).contains("<!-- example:");
                previousEnd = blocks.end();
                if (FULL_CONFIG.matcher(blocks.group(1)).find()) {
                    examples.add(new Example(root.relativize(file).toString(), index, blocks.group(1), marked));
                }
            }
        }
        assertFalse(examples.isEmpty(), "found no config examples under docs/");
        return examples.stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void theExampleIsAValidConfig(Example example) throws Exception {
        Path home = Path.of("target", "gatehouse-" + System.getProperty("gatehouse.dist.version"))
                .toAbsolutePath();
        assertTrue(Files.isExecutable(home.resolve("bin/gatehouse")), "no unpacked distribution at " + home);
        Path file = work.resolve(example.file().replace('/', '_') + "-" + example.index() + ".yaml");
        Files.writeString(file, example.yaml());
        Process check = new ProcessBuilder(home.resolve("bin/gatehouse").toString(), "check", file.toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "check did not finish");
        if (check.exitValue() != 0 && example.marked()) {
            // a marked example's files and variables are supplied by its test; anything else is still a problem
            List<String> problems = output.lines().filter(line -> line.contains(": ")
                    && !line.contains("no such file") && !(line.contains("environment variable")
                    && line.endsWith("is not set"))).toList();
            assertEquals(List.of(), problems, example + " has problems beyond files and variables it names:\n"
                    + output + "\n---\n" + example.yaml());
            return;
        }
        assertEquals(0, check.exitValue(), example + " is not a valid config:\n" + output + "\n---\n"
                + example.yaml());
    }
}
