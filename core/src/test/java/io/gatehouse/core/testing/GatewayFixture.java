package io.gatehouse.core.testing;

import io.gatehouse.core.Gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * An in-process gateway on free loopback ports, configured from a YAML string written to a temp home. Tests
 * give routes and upstreams; the fixture adds {@code server} and {@code admin} sections on port 0 unless the YAML
 * has its own.
 */
public final class GatewayFixture implements AutoCloseable {

    private final Path home;
    private final Path configFile;
    private final Gateway gateway;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private GatewayFixture(Path home, Path configFile, Gateway gateway) {
        this.home = home;
        this.configFile = configFile;
        this.gateway = gateway;
    }

    public static GatewayFixture start(String yaml) throws Exception {
        return start(Files.createTempDirectory("gatehouse-test"), yaml);
    }

    public static GatewayFixture start(Path home, String yaml) throws Exception {
        return start(home, yaml, Map.of(), null);
    }

    /** Starts a gateway whose spans go to {@code spans} (e.g. a processor over an in-memory exporter). */
    public static GatewayFixture start(String yaml, io.opentelemetry.sdk.trace.SpanProcessor spans)
            throws Exception {
        return start(Files.createTempDirectory("gatehouse-test"), yaml, Map.of(), spans);
    }

    /** Starts a gateway in {@code home} whose spans go to {@code spans}, or to its exporter for {@code null}. */
    public static GatewayFixture start(Path home, String yaml, io.opentelemetry.sdk.trace.SpanProcessor spans)
            throws Exception {
        return start(home, yaml, Map.of(), spans);
    }

    /** Starts a gateway whose {@code ${VAR}} references are substituted from {@code env}. */
    public static GatewayFixture start(Path home, String yaml, Map<String, String> env) throws Exception {
        return start(home, yaml, env, null);
    }

    private static GatewayFixture start(Path home, String yaml, Map<String, String> env,
                                        io.opentelemetry.sdk.trace.SpanProcessor spans) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("plugins"));
        Path file = home.resolve("conf/gatehouse.yaml");
        Files.writeString(file, withListeners(yaml));
        return new GatewayFixture(home, file, Gateway.start(home, file, env, spans));
    }

    public static String withListeners(String yaml) {
        StringBuilder full = new StringBuilder();
        if (!yaml.contains("server:")) {
            full.append("server: { host: 127.0.0.1, port: 0 }\n");
        }
        if (!yaml.contains("admin:")) {
            full.append("admin: { port: 0 }\n");
        }
        return full.append(yaml).toString();
    }

    /** Replaces the config file (atomically, as editors do) with new YAML. */
    public void rewrite(String yaml) throws IOException {
        Path temp = configFile.resolveSibling("gatehouse.yaml.tmp");
        Files.writeString(temp, withListeners(yaml));
        Files.move(temp, configFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Rewrites the config and waits (up to 20 s) until the gateway has acted on it, applied or refused.
     *
     * @return the outcome
     */
    public Gateway.ReloadStatus reload(String yaml) throws IOException, InterruptedException {
        Gateway.ReloadStatus before = gateway.lastReload();
        String text = withListeners(yaml);
        rewrite(yaml);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            // a late event of an earlier rewrite may reload the earlier text first: wait for this one's outcome
            Gateway.ReloadStatus now = gateway.lastReload();
            if (now != before && (!now.problems().isEmpty() || text.equals(gateway.configText()))) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway did not act on the rewritten config within 20 s");
            }
            Thread.sleep(10);
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery);
    }

    public URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.adminPort() + path);
    }

    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends a request without a body to the data port.
     *
     * @param headers header names and values, alternating
     */
    public HttpResponse<String> send(String method, String pathAndQuery, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(adminUri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpClient client() {
        return client;
    }

    public Gateway gateway() {
        return gateway;
    }

    public Path home() {
        return home;
    }

    public Path configFile() {
        return configFile;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
