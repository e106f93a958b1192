package io.gatehouse.core.reload;

import io.gatehouse.core.Gateway;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A config file that is a symbolic link (as with a config map or a dotfiles checkout): editing the file it points to
 * reloads the gateway, as editing a plain file does.
 */
class SymlinkedConfigIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void editingTheLinkedFileReloads() throws Exception {
        try (Backend backend = Backend.start(EchoRoutes::register)) {
            Path home = Files.createTempDirectory("gatehouse-link");
            Files.createDirectories(home.resolve("conf"));
            Files.createDirectories(home.resolve("plugins"));
            Path elsewhere = Files.createTempDirectory("gatehouse-link-target");
            Path target = elsewhere.resolve("real.yaml");
            Files.writeString(target, config(backend, "/one"));
            Path link = home.resolve("conf/gatehouse.yaml");
            Files.createSymbolicLink(link, target);
            try (Gateway gateway = Gateway.start(home, link, Map.of())) {
                HttpClient client = HttpClient.newHttpClient();
                assertEquals(200, await(client, gateway, "/one", 200));
                Files.writeString(target, config(backend, "/two")); // in place, through no link
                assertEquals(200, await(client, gateway, "/two", 200));
            }
        }
    }

    private static String config(Backend backend, String path) {
        return """
                server: { host: 127.0.0.1, port: 0 }
                admin: { port: -1 }
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: r, match: { path: %s }, upstream: echo }
                """.formatted(backend.url(), path);
    }

    private static int await(HttpClient client, Gateway gateway, String path, int status) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (last == status) {
                return last;
            }
            Thread.sleep(20);
        }
        return last;
    }
}
