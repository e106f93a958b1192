package io.gatehouse.core.proxy;

import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 200 MB up and down through a gateway whose heap is capped at 128 MB: proves bodies stream, never buffer whole.
 * The gateway runs in its own JVM so the cap applies to it alone.
 */
class LargeStreamIT {

    private static final long SIZE = 200L * 1024 * 1024;
    private static Backend backend;
    private static Process gateway;
    private static int port;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start(EchoRoutes::register);
        Path home = Files.createTempDirectory("gatehouse-large");
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("plugins"));
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Files.writeString(home.resolve("conf/gatehouse.yaml"), """
                server: { host: 127.0.0.1, port: %d, limits: { max_body_size: 1GiB } }
                admin: { port: -1 }
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: all, match: { path: /*rest }, upstream: echo }
                """.formatted(port, backend.url()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        gateway = new ProcessBuilder(java, "-Xmx128m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), "io.gatehouse.core.Main", "run",
                "--home", home.toString())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("gateway.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (CLIENT.send(HttpRequest.newBuilder(uri("/hello")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() > 0) {
                    break;
                }
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline || !gateway.isAlive()) {
                    throw new AssertionError("gateway did not start: " + Files.readString(home.resolve("gateway.log")));
                }
                Thread.sleep(100);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.destroy();
        gateway.waitFor();
        backend.close();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void twoHundredMegabyteUploadStreamsThroughASmallHeap() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> EchoRoutes.patternStream(SIZE))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(SIZE + ":" + EchoRoutes.patternCrc(SIZE) + ":false", response.body());
        assertEquals(true, gateway.isAlive());
    }

    @Test
    void twoHundredMegabyteDownloadStreamsThroughASmallHeap() throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(uri("/download?size=" + SIZE))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        CRC32 crc = new CRC32();
        long total = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) != -1; ) {
                crc.update(buffer, 0, n);
                total += n;
            }
        }
        assertEquals(SIZE, total);
        assertEquals(EchoRoutes.patternCrc(SIZE), Long.toHexString(crc.getValue()));
        assertEquals(true, gateway.isAlive());
    }
}
