package io.gatehouse.plugins.auth.jwt;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JWKS host on a loopback port: serves documents by path, counts the requests of each, and can be stopped and
 * started again on the same port (the JWKS host going down and coming back).
 */
final class JwksServer implements AutoCloseable {

    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private int port;
    private HttpServer server;

    private JwksServer() {
    }

    static JwksServer start() throws IOException {
        JwksServer jwks = new JwksServer();
        jwks.listen(0);
        return jwks;
    }

    /** A server that is not running: its URL refuses connections until {@link #restart()}. */
    static JwksServer stopped() throws IOException {
        JwksServer jwks = start();
        jwks.stop();
        return jwks;
    }

    private void listen(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String document = documents.get(path);
            byte[] body = (document == null ? "{\"error\":\"no such key set\"}" : document)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(document == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    /** Serves {@code json} at {@code path} from now on. */
    JwksServer serve(String path, String json) {
        documents.put(path, json);
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** @return how many requests {@code path} has received */
    int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    void stop() {
        server.stop(0);
    }

    void restart() throws IOException {
        listen(port);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
