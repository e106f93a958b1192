package io.gatehouse.plugins.discovery.consul;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.testing.PackagedPlugin;
import io.gatehouse.plugins.discovery.consul.ConsulApiEmulator.Instance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * End to end: a real gateway loads this plugin from its packaged JAR, routes by what the Consul API emulator
 * reports, follows membership changes, and keeps serving when Consul goes away.
 */
class ConsulGatewayIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    private int backend(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        cleanup.add(() -> server.stop(0));
        return server.getAddress().getPort();
    }

    private Gateway gateway(String consulAddress) throws Exception {
        Path home = PackagedPlugin.home("gatehouse-plugin-discovery-consul");
        Path config = home.resolve("gatehouse.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                admin: { port: -1 }
                upstreams:
                  users:
                    discovery: { type: consul, address: "%s", wait_time: 10m, backoff_initial: 20ms, backoff_max: 200ms }
                routes:
                  - { id: who, match: { path: /who }, upstream: users }
                """.formatted(consulAddress));
        Gateway gateway = Gateway.start(home, config, Map.of());
        cleanup.add(gateway);
        return gateway;
    }

    private HttpResponse<String> get(Gateway gateway) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/who")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitAnswer(Gateway gateway, int status, String body) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = get(gateway);
            if (last.statusCode() == status && (body == null || last.body().equals(body))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("expected " + status + " " + body + ", last " + last.statusCode() + " " + last.body());
    }

    @Test
    void routesFollowConsulAndSurviveItsOutage() throws Exception {
        ConsulApiEmulator consul = new ConsulApiEmulator("dc1", null).start();
        cleanup.add(consul);
        consul.register("users", Instance.of("a", backend("a")));
        Gateway gateway = gateway(consul.address());
        awaitAnswer(gateway, 200, "a");

        consul.register("users", Instance.of("b", backend("b")));
        consul.deregister("users", "a");
        awaitAnswer(gateway, 200, "b");

        consul.stop();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = get(gateway);
            assertEquals(200, response.statusCode(), "the last endpoints keep serving while Consul is down");
            assertEquals("b", response.body());
        }
    }

    @Test
    void consulDownAtStartMeans503UntilEndpointsArrive() throws Exception {
        ConsulApiEmulator consul = new ConsulApiEmulator("dc1", null).start();
        cleanup.add(consul);
        String address = consul.address();
        consul.stop();
        Gateway gateway = gateway(address);
        HttpResponse<String> early = get(gateway);
        assertEquals(503, early.statusCode(), early.body());
        assertEquals("1", early.headers().firstValue("retry-after").orElse(""));

        consul.register("users", Instance.of("a", backend("a")));
        consul.restart();
        awaitAnswer(gateway, 200, "a");
    }
}
