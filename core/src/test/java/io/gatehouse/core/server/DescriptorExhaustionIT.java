package io.gatehouse.core.server;

import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway in a child process under a low descriptor limit ({@code ulimit -n 400}) is flooded with far more
 * connections than it has descriptors. Its connection cap keeps it below the limit, so the data port never dies:
 * while the flood holds, {@code /health} still answers, and once the clients let go it serves again.
 */
class DescriptorExhaustionIT {

    private static final int FLOOD = 1500;

    @Test
    void theListenerSurvivesAFloodOfConnectionsUnderALowDescriptorLimit() throws Exception {
        int port = freePort();
        int adminPort = freePort();
        Path home = Files.createTempDirectory("gatehouse-fd");
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("plugins"));
        try (RawUpstream upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("ok"))) {
            Files.writeString(home.resolve("conf/gatehouse.yaml"), """
                    server: { host: 127.0.0.1, port: %d }
                    admin: { port: %d }
                    upstreams:
                      raw: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                    routes:
                      - { id: all, match: { path: /*rest }, upstream: raw }
                    """.formatted(port, adminPort, upstream.url()));
            Path log = home.resolve("gateway.log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process gateway = new ProcessBuilder("bash", "-c", "ulimit -n 400 && exec \"$0\" -cp \"$1\" "
                    + "io.gatehouse.core.Main run --home \"$2\"", java, System.getProperty("java.class.path"),
                    home.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertEquals(200, awaitStatus(URI.create("http://127.0.0.1:" + adminPort + "/health"), 200),
                        () -> "the gateway did not start: " + read(log));
                List<Socket> flood = new ArrayList<>();
                try {
                    for (int i = 0; i < FLOOD; i++) {
                        try {
                            flood.add(new Socket("127.0.0.1", port));
                        } catch (IOException refused) {
                            break; // the backlog is full: the flood holds as much as it can
                        }
                    }
                    assertEquals(200, status(URI.create("http://127.0.0.1:" + adminPort + "/health")),
                            "health must answer during the flood");
                } finally {
                    for (Socket socket : flood) {
                        socket.close();
                    }
                }
                assertEquals(200, awaitStatus(URI.create("http://127.0.0.1:" + port + "/after"), 200),
                        () -> "the data port must accept again: " + read(log));
                try (RawClient client = RawClient.connect(port)) {
                    assertEquals(200, client.send("GET /raw HTTP/1.1\r\nHost: gw\r\n\r\n").read().status());
                }
                String output = read(log);
                assertTrue(output.contains("file descriptor limit 400"), output);
                assertTrue(!output.contains("terminating now"), output);
            } finally {
                gateway.destroy();
                gateway.waitFor();
            }
        }
    }

    private static int awaitStatus(URI uri, int wanted) throws InterruptedException {
        int last = -1;
        for (int i = 0; i < 300 && last != wanted; i++) {
            last = status(uri);
            if (last != wanted) {
                Thread.sleep(100);
            }
        }
        return last;
    }

    private static int status(URI uri) throws InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
