package io.gatehouse.plugins.cache;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.testing.EchoRoutes;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on loopback that counts the requests for each path and query and answers:
 * <ul>
 *   <li>{@code /catalog/slow}: after a second, {@code slow <n>};</li>
 *   <li>{@code /catalog/big?size=N[&chunked]}: N bytes of {@link EchoRoutes}' pattern, by length or chunked;</li>
 *   <li>{@code /catalog/etag}: with an {@code ETag} and {@code Last-Modified};</li>
 *   <li>anything else: {@code <path> <n> <Accept-Language> <X-Consumer-Id>}, text.</li>
 * </ul>
 */
final class CountingUpstream implements AutoCloseable {

    static final String LAST_MODIFIED = "Tue, 01 Dec 2026 10:00:00 GMT";

    private final HttpServer server;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Headers> received = new CopyOnWriteArrayList<>();

    private CountingUpstream(HttpServer server) {
        this.server = server;
    }

    static CountingUpstream start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        CountingUpstream upstream = new CountingUpstream(server);
        server.createContext("/", upstream::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return upstream;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return how many requests arrived for this path and query ({@code /a?x=1}) */
    int count(String target) {
        AtomicInteger count = counts.get(target);
        return count == null ? 0 : count.get();
    }

    int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    List<Headers> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            int n = counts.computeIfAbsent(path + (query == null ? "" : "?" + query), k -> new AtomicInteger())
                    .incrementAndGet();
            received.add(exchange.getRequestHeaders());
            Headers out = exchange.getResponseHeaders();
            out.set("Content-Type", "text/plain");
            switch (path) {
                case "/catalog/slow" -> {
                    sleep();
                    send(exchange, 200, "slow " + n);
                }
                case "/catalog/big" -> {
                    long size = Long.parseLong(query.replaceAll(".*size=(\\d+).*", "$1"));
                    exchange.sendResponseHeaders(200, query.contains("chunked") ? 0 : size);
                    try (OutputStream body = exchange.getResponseBody()) {
                        EchoRoutes.writePattern(body, size);
                    }
                }
                case "/catalog/etag" -> {
                    out.set("ETag", "\"v1\"");
                    out.set("Last-Modified", LAST_MODIFIED);
                    send(exchange, 200, "tagged " + n);
                }
                default -> send(exchange, 200, path + " " + n + " " + exchange.getRequestHeaders()
                        .getFirst("Accept-Language") + " " + exchange.getRequestHeaders().getFirst("X-Consumer-Id"));
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
