package io.gatehouse.core.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse hash-key} as a command: the hash on stdout, the key nowhere, 2 for what is not one key. */
class HashKeyCommandTest {

    @Test
    void printsTheHashOfStdin() {
        Run run = run("abc\n");
        assertEquals(0, run.exit);
        assertEquals("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n", run.out.toString());
        assertEquals("", run.err.toString());
    }

    @Test
    void twoLinesAreAUsageError() {
        Run run = run("abc\ndef\n");
        assertEquals(2, run.exit);
        assertEquals("", run.out.toString());
        assertTrue(run.err.toString().contains("expected one key"), run.err.toString());
        assertTrue(!run.err.toString().contains("abc"), "the key is never echoed");
    }

    private record Run(int exit, StringWriter out, StringWriter err) {
    }

    private static Run run(String stdin) {
        HashKeyCommand command = new HashKeyCommand();
        command.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Run(commandLine.execute(), out, err);
    }
}
