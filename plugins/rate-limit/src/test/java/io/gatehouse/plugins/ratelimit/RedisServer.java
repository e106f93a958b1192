package io.gatehouse.plugins.ratelimit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code redis-server} on a free loopback port, without persistence, that a test can kill and start
 * again on the same port. Missing, it skips the test, except under CI ({@code CI=true|1}), where it fails.
 */
final class RedisServer implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(int port, Path log) {
        this.port = port;
        this.log = log;
    }

    static RedisServer start() throws Exception {
        if (!Files.isExecutable(BINARY)) {
            String missing = BINARY + " is missing: install the Debian package redis-server "
                    + "(distribution/dev/test does when run as root)";
            String ci = System.getenv("CI");
            if ("true".equalsIgnoreCase(ci) || "1".equals(ci)) {
                throw new AssertionError(missing + "; CI is set, so this fails instead of skipping");
            }
            Assumptions.abort(missing + "; skipping");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RedisServer server = new RedisServer(port, Files.createTempFile("redis", ".log"));
        server.restart();
        return server;
    }

    int port() {
        return port;
    }

    /** Starts the server (again) on its port and waits until it accepts connections. */
    void restart() throws Exception {
        process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new AssertionError("redis-server did not start on " + port + ": "
                            + Files.readString(log));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Kills the server at once (SIGKILL), as a crash would. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            kill();
        }
    }
}
