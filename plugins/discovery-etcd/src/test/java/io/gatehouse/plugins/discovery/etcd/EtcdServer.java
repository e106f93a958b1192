package io.gatehouse.plugins.discovery.etcd;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd (Debian package {@code etcd-server}) for tests: one member on two free loopback ports with a
 * temporary data dir. It can be killed and started again on the same ports and data. Writes go through the same
 * HTTP/JSON gateway the plugin reads from, so no etcdctl is needed.
 */
final class EtcdServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path binary;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Process process;

    private EtcdServer(Path binary) throws IOException {
        this.binary = binary;
        this.dataDir = Files.createTempDirectory("gatehouse-etcd-");
        this.clientPort = freePort();
        this.peerPort = freePort();
    }

    /**
     * Starts an etcd. When none is installed the test is skipped, or fails under CI ({@link RequiredCommand}).
     */
    static EtcdServer launch() throws Exception {
        Path binary = RequiredCommand.find("etcd", "etcd-server");
        EtcdServer server = new EtcdServer(binary);
        server.start();
        return server;
    }

    /** @return the client URL, e.g. {@code http://127.0.0.1:41234} */
    String clientUrl() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** @return the client port */
    int clientPort() {
        return clientPort;
    }

    /** Starts the member (again, after {@link #kill()}) and waits until it answers. */
    void start() throws Exception {
        String peer = "http://127.0.0.1:" + peerPort;
        process = new ProcessBuilder(binary.toString(), "--name", "test", "--data-dir", dataDir.resolve("data").toString(),
                "--listen-client-urls", clientUrl(), "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "test=" + peer)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(clientUrl() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("true")) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("etcd did not become healthy: " + log());
            }
            Thread.sleep(50);
        }
    }

    /** Kills the member at once (SIGKILL), keeping its data dir. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Stores an endpoint JSON value at a key. */
    void put(String key, String value) throws Exception {
        call("/v3/kv/put", Map.of("key", base64(key), "value", base64(value)));
    }

    /** Deletes a key. */
    void delete(String key) throws Exception {
        call("/v3/kv/deleterange", Map.of("key", base64(key)));
    }

    /** Compacts the history up to the current revision. */
    void compact() throws Exception {
        long revision = JSON.readTree(call("/v3/kv/range", Map.of("key", base64("/")))).path("header")
                .path("revision").asLong();
        call("/v3/kv/compaction", Map.of("revision", revision));
    }

    private String call(String path, Map<String, Object> body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(clientUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            kill();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private String log() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("etcd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
