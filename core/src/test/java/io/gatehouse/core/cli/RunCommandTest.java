package io.gatehouse.core.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gatehouse run} refusing to start: exit 1 with the problems on stderr, as {@code check} has them, or with
 * the port it cannot bind.
 */
class RunCommandTest {

    @TempDir
    Path home;

    @Test
    void aMissingConfigIsAProblem() {
        Cli.Result result = Cli.run("run", "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        assertEquals(home.resolve("conf/gatehouse.yaml") + ": file not found\n", result.err());
        assertEquals("", result.out());
    }

    @Test
    void anInvalidConfigListsItsProblems() throws Exception {
        Path file = Files.writeString(home.resolve("bad.yaml"), "routes:\n  - { id: a, match: { path: /a }, "
                + "upstream: nowhere }\n");
        Cli.Result result = Cli.run("run", "--config", file.toString(), "--home", home.toString());
        assertEquals(1, result.exit(), result.toString());
        assertTrue(result.err().startsWith("gatehouse: " + file + " is invalid:\n"), result.toString());
        assertTrue(result.err().contains("routes[0].upstream: unknown upstream 'nowhere'"), result.toString());
    }

    @Test
    void aTakenPortIsOneLineOnStderr() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Files.createDirectories(home.resolve("plugins"));
            Path file = Files.writeString(home.resolve("taken.yaml"), "server: { host: 127.0.0.1, port: "
                    + taken.getLocalPort() + " }\nadmin: { port: -1 }\nroutes: []\n");
            Cli.Result result = Cli.run("run", "--config", file.toString(), "--home", home.toString());
            assertEquals(1, result.exit(), result.toString());
            assertEquals("gatehouse: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use\n", result.err());
            assertEquals("", result.out(), "no 'Gatehouse listening on' line");
        }
    }
}
