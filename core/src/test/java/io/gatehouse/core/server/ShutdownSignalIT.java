package io.gatehouse.core.server;

import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real SIGTERM to a gateway process ({@code java -cp ... io.gatehouse.core.Main run}): while a request is in
 * flight (its upstream answers only when the test says so), {@code /ready} turns 503, the public port refuses new
 * connections, the request still gets its whole response, and the process exits with code 0.
 */
class ShutdownSignalIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void sigtermDrainsTheRequestInFlightAndExitsZero() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RawUpstream upstream = RawUpstream.start(request -> !request.requestLine().contains("/slow")
                ? RawUpstream.Reply.ok("up")
                : new RawUpstream.Reply(new byte[0], true, (socket, in, out) -> {
                    held.countDown();
                    release.await();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }))) {
            Path home = Files.createTempDirectory("gatehouse-sigterm");
            Files.createDirectories(home.resolve("conf"));
            Files.createDirectories(home.resolve("plugins"));
            int port = freePort();
            int adminPort = freePort();
            Files.writeString(home.resolve("conf/gatehouse.yaml"), """
                    server: { host: 127.0.0.1, port: %d, shutdown: { drain_timeout: 20s } }
                    admin: { port: %d }
                    upstreams:
                      api: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                    routes:
                      - { id: api, match: { path: /*rest }, upstream: api }
                    """.formatted(port, adminPort, upstream.url()));
            Path log = home.resolve("gateway.log");
            Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "io.gatehouse.core.Main", "run",
                    "--home", home.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                GracefulShutdownIT.poll("the gateway is ready", 60, () -> status(adminPort, "/ready") == 200
                        || !gateway.isAlive());
                assertTrue(gateway.isAlive(), () -> "the gateway did not start: " + read(log));
                try (RawClient busy = RawClient.connect(port)) {
                    busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertTrue(held.await(10, TimeUnit.SECONDS), "the request reached the upstream");

                    gateway.destroy(); // SIGTERM
                    GracefulShutdownIT.poll("/ready answers 503", () -> status(adminPort, "/ready") == 503);
                    GracefulShutdownIT.poll("a new connection is refused", () -> GracefulShutdownIT.refused(port));
                    assertTrue(gateway.isAlive(), "still draining the request in flight");

                    release.countDown();
                    RawClient.RawResponse response = busy.read();
                    assertEquals(200, response.status());
                    assertEquals("hello world", response.bodyText());
                    assertEquals("close", response.header("Connection"));
                }
                assertTrue(gateway.waitFor(15, TimeUnit.SECONDS), "the gateway exited once drained");
                assertEquals(0, gateway.exitValue(), () -> read(log));
                assertTrue(read(log).contains("SIGTERM received: stopping gracefully"), () -> read(log));
            } finally {
                gateway.destroyForcibly();
            }
        }
    }

    private static int status(int adminPort, String path) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
