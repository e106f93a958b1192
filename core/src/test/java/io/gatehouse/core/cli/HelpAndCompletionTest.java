package io.gatehouse.core.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} on every command, usage errors, and the completion script. */
class HelpAndCompletionTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "check", "routes", "plugins", "plugins list", "plugins describe", "version",
            "hash-key", "demo", "completion"})
    void everyCommandHasHelp(String command) {
        String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
        Cli.Result result = Cli.run(args);
        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().startsWith("Usage: gatehouse" + (command.isEmpty() ? "" : " " + command)),
                result.toString());
        assertTrue(result.out().contains("-h, --help"), result.toString());
        assertTrue(result.out().contains("-V, --version"), result.toString());
    }

    @Test
    void theTopLevelHelpListsTheCommandsAndTheExitCodes() {
        String out = Cli.run("--help").out();
        for (String command : new String[]{"run", "check", "routes", "plugins", "version", "hash-key", "completion"}) {
            assertTrue(out.lines().anyMatch(l -> l.strip().startsWith(command + " ")), command + " in\n" + out);
        }
        assertTrue(out.contains("Exit codes: 0 ok, 1 problems"), out);
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Cli.Result result = Cli.run("check", "--nope", "x.yaml");
        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.err().startsWith("Unknown option: '--nope'"), result.toString());
        Cli.Result command = Cli.run("frobnicate");
        assertEquals(2, command.exit(), command.toString());
    }

    /** Other modules' tests run {@code new CommandLine(new Main()).execute("check", ...)}. */
    @Test
    void mainIsTheCommandToo() {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine commandLine = new picocli.CommandLine(new io.gatehouse.core.Main());
        commandLine.setOut(new java.io.PrintWriter(out, true));
        assertEquals(0, commandLine.execute("version"));
        assertTrue(out.toString().startsWith("Gatehouse "), out.toString());
        assertEquals(2, new picocli.CommandLine(new io.gatehouse.core.Main()).execute("check"));
    }

    @Test
    void completionIsABashScriptForEveryCommand() {
        Cli.Result result = Cli.run("completion");
        assertEquals(0, result.exit(), result.toString());
        String script = result.out();
        assertTrue(script.startsWith("#!/usr/bin/env bash"), script.lines().findFirst().orElse(""));
        assertTrue(script.contains("complete -F _complete_gatehouse"), "registers the function");
        for (String command : new String[]{"run", "check", "routes", "plugins", "describe", "version", "hash-key"}) {
            assertTrue(script.contains(command), command);
        }
        assertTrue(script.contains("--home"), "options are completed too");
    }
}
