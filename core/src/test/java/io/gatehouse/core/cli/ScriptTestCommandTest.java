package io.gatehouse.core.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse script test}: the shipped examples' tests pass; a failing or broken test file fails the run. */
class ScriptTestCommandTest {

    @TempDir
    Path home;

    private void write(String name, String text) throws Exception {
        Path file = home.resolve("scripts").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void everyShippedExampleHasATestAndTheyAllPass() throws Exception {
        Path examples = Path.of("..", "scripts", "examples");
        List<String> untested;
        try (Stream<Path> files = Files.list(examples)) {
            untested = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".js") && !n.endsWith(".test.js"))
                    .filter(n -> !Files.exists(examples.resolve(n.replace(".js", ".test.js")))).toList();
        }
        assertEquals(List.of(), untested, "examples without a .test.js");
        Cli.Result result = Cli.run("script", "test", "--home", "..");
        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().startsWith("TAP version 13\n"), result.toString());
        assertTrue(result.out().contains("ok 1 - examples/add-headers.test.js > "), result.toString());
        assertTrue(result.out().contains("# fail 0"), result.toString());
    }

    @Test
    void aFailingTestFailsTheRunAndSaysWhy() throws Exception {
        write("lib/double.js", "export const double = (x) => x * 2;\n");
        write("double.test.js", """
                import { double } from './lib/double.js';
                test('doubles', () => expect(double(2)).toBe(4));
                test('is wrong on purpose', async () => expect(double(2)).toEqual(5));
                test('has the globals', async () => expect(atob(btoa('x'))).toBe('x'));
                """);
        Cli.Result result = Cli.run("script", "test", "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        List<String> lines = result.outLines();
        assertEquals("ok 1 - double.test.js > doubles", lines.get(1), result.toString());
        assertEquals("not ok 2 - double.test.js > is wrong on purpose", lines.get(2), result.toString());
        assertEquals("  message: \"AssertionError: expected 4 to equal 5\"", lines.get(4), result.toString());
        assertTrue(result.out().contains("ok 3 - double.test.js > has the globals\n"), result.toString());
        assertTrue(result.out().contains("1..3\n# pass 2\n# fail 1\n"), result.toString());
    }

    @Test
    void aTestFileThatDoesNotLoadOrNeverSettlesFails() throws Exception {
        write("broken.test.js", "test('x', () => {\n");
        write("missing.test.js", "import { x } from './nope.js';\n");
        write("hangs.test.js", "test('waits forever', () => new Promise(() => {}));\n");
        write("escape.test.js", "test('no host access', () => { Java.type('java.lang.Runtime'); });\n");
        Cli.Result result = Cli.run("script", "test", "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        String out = result.out();
        assertTrue(out.contains("not ok 1 - broken.test.js > (did not load) scripts/broken.test.js:2:"), out);
        assertTrue(out.contains("not ok 2 - escape.test.js > no host access\n  ---\n  message: \"ReferenceError: Java is not defined\""), out);
        assertTrue(out.contains("not ok 3 - hangs.test.js > waits forever (never settled"), out);
        assertTrue(out.contains("not ok 4 - missing.test.js > (did not load) scripts/missing.test.js:1:19: cannot import './nope.js'"), out);
    }

    /** The code block after {@code <!-- example: NAME -->} in docs/scripting.md. */
    static String scriptingExample(String name) throws Exception {
        String page = Files.readString(Path.of("..", "docs", "scripting.md"));
        Matcher block = Pattern.compile("<!-- example: " + Pattern.quote(name) + " -->\\s*```\\w*\\n(.*?)```", Pattern.DOTALL)
                .matcher(page);
        assertTrue(block.find(), "docs/scripting.md has no block marked " + name);
        return block.group(1);
    }

    @Test
    void theTestFirstExampleOfTheDocsFailsThenPasses() throws Exception {
        write("require-version.test.js", scriptingExample("scripting-test-first"));
        Cli.Result first = Cli.run("script", "test", "--home", home.toString());
        assertEquals(1, first.exit(), first.toString());
        assertTrue(first.out().contains("not ok 1 - require-version.test.js > (did not load) scripts/require-version.test.js:1:"
                + "24: cannot import './require-version.js'"), first.toString());

        write("require-version.js", scriptingExample("scripting-test-first-filter"));
        Cli.Result then = Cli.run("script", "test", "--home", home.toString());
        assertEquals(0, then.exit(), then.toString());
        String page = Files.readString(Path.of("..", "docs", "scripting.md"));
        assertTrue(page.contains("```\n" + then.out() + "```"), "docs/scripting.md shows this run:\n" + then.out());
    }

    @Test
    void onlyTheNamedFilesRun() throws Exception {
        write("a.test.js", "test('a', () => {});\n");
        write("b.test.js", "test('b', () => { throw new Error('b'); });\n");
        Cli.Result result = Cli.run("script", "test", "--home", home.toString(), home.resolve("scripts/a.test.js").toString());
        assertEquals(0, result.exit(), result.toString());
        assertEquals(List.of("TAP version 13", "ok 1 - a.test.js > a", "1..1", "# pass 1", "# fail 0"), result.outLines());

        write("sub/c.test.js", "test('c', () => {});\n");
        Cli.Result folder = Cli.run("script", "test", "--home", home.toString(), home.resolve("scripts/sub").toString());
        assertEquals(List.of("TAP version 13", "ok 1 - sub/c.test.js > c", "1..1", "# pass 1", "# fail 0"), folder.outLines());

        Cli.Result none = Cli.run("script", "test", "--home", home.resolve("nowhere").toString());
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.err().startsWith("no *.test.js files in "), none.toString());
    }
}
