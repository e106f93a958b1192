package io.gatehouse.core.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reverse proxy against real Helidon backends on loopback. */
class ProxyIT {

    private static Backend backend;
    private static ServerSocket brokenBackend;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start(EchoRoutes::register);
        brokenBackend = startBrokenBackend();
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        gateway = GatewayFixture.start("""
                upstreams:
                  echo:    { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  refused: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] } }
                  broken:  { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] } }
                routes:
                  - { id: slow,    match: { path: /slow }, upstream: echo, timeout: 300ms }
                  - { id: refused, match: { path: /refused }, upstream: refused }
                  - { id: broken,  match: { path: /broken/*rest }, upstream: broken }
                  - { id: users,   match: { path: /api/users/:id }, upstream: echo, rewrite: /users/:id }
                  - { id: strip,   match: { path: /strip/*rest }, upstream: echo, strip_prefix: 1 }
                  - { id: getonly, match: { path: /get-only, methods: [GET] }, upstream: echo }
                  - { id: all,     match: { path: /*rest }, upstream: echo }
                """.formatted(backend.url(), closedPort, brokenBackend.getLocalPort()));
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        backend.close();
        brokenBackend.close();
    }

    private static JsonNode echo(HttpResponse<String> response) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        return EchoRoutes.JSON.readTree(response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void methodPathAndQueryReachTheBackendUnchanged(String method) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/api/a%20b/c?x=1&y=%2F&z&x=2"))
                .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "payload"))
                .build();
        JsonNode echo = echo(gateway.client().send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals(method, echo.get("method").asText());
        assertEquals("/api/a%20b/c", echo.get("path").asText());
        assertEquals("x=1&y=%2F&z&x=2", echo.get("query").asText());
        if (!method.equals("GET")) {
            assertEquals("payload", echo.get("body").asText());
        }
    }

    @Test
    void rewriteAndStripPrefixChangeTheUpstreamPath() throws Exception {
        assertEquals("/users/42", echo(gateway.get("/api/users/42?full=1")).get("path").asText());
        assertEquals("full=1", echo(gateway.get("/api/users/42?full=1")).get("query").asText());
        assertEquals("/x/y", echo(gateway.get("/strip/x/y")).get("path").asText());
        assertEquals("/", echo(gateway.get("/strip")).get("path").asText());
    }

    @Test
    void normalisedPathIsWhatTheUpstreamGets() throws Exception {
        assertEquals("/b", echo(gateway.get("/a/../b")).get("path").asText());
        assertEquals("/x", echo(gateway.get("//x")).get("path").asText());
        assertEquals("/a", echo(gateway.get("/%61")).get("path").asText());
    }

    @Test
    void hopByHopHeadersAreStrippedAndForwardingHeadersSet() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/headers"))
                .header("X-Custom", "kept")
                .header("X-Remove-Me", "gone")
                .header("Connection", "X-Remove-Me")
                .header("Keep-Alive", "timeout=5")
                .header("TE", "trailers")
                .header("Expect-Nothing", "x")
                .header("Proxy-Authorization", "Basic c2VjcmV0")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("Forwarded", "for=6.6.6.6")
                .header("X-Forwarded-Proto", "https")
                .build();
        JsonNode headers = echo(gateway.client().send(request, HttpResponse.BodyHandlers.ofString()))
                .get("headers");
        assertEquals("kept", headers.get("x-custom").get(0).asText());
        assertFalse(headers.has("x-remove-me"), headers.toString());
        assertFalse(headers.has("proxy-authorization"), headers.toString());
        assertFalse(headers.has("te"));
        assertFalse(headers.has("keep-alive"));
        assertEquals("127.0.0.1", headers.get("x-forwarded-for").get(0).asText(), "untrusted XFF replaced");
        assertEquals("http", headers.get("x-forwarded-proto").get(0).asText());
        assertEquals("127.0.0.1:" + gateway.uri("/").getPort(), headers.get("x-forwarded-host").get(0).asText());
        assertTrue(headers.get("forwarded").get(0).asText().startsWith("for=127.0.0.1;host="),
                headers.get("forwarded").toString());
        assertEquals("127.0.0.1:" + backend.port(), headers.get("host").get(0).asText());
    }

    @Test
    void severalSetCookieHeadersArePreserved() throws Exception {
        HttpResponse<String> response = gateway.get("/cookies");
        assertEquals(200, response.statusCode());
        assertEquals(List.of("a=1; Path=/", "b=2; Path=/; HttpOnly"), response.headers().allValues("set-cookie"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void uploadsStreamWithAndWithoutLength(boolean chunked) throws Exception {
        long size = 5L * 1024 * 1024 + 17;
        HttpRequest.BodyPublisher body = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> EchoRoutes.patternStream(size))
                : HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> EchoRoutes.patternStream(size)), size);
        HttpResponse<String> response = gateway.client().send(
                HttpRequest.newBuilder(gateway.uri("/upload")).POST(body).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(size + ":" + EchoRoutes.patternCrc(size) + ":" + !chunked, response.body());
    }

    @Test
    void largeUploadsStreamIntact() throws Exception {
        long size = 8L * 1024 * 1024 + 3; // under the default 10 MiB body limit
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> EchoRoutes.patternStream(size)), size);
        HttpResponse<String> response = gateway.client().send(
                HttpRequest.newBuilder(gateway.uri("/upload")).POST(body).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(size + ":" + EchoRoutes.patternCrc(size) + ":true", response.body(), "length kept upstream");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void downloadsStreamWithAndWithoutLength(boolean chunked) throws Exception {
        long size = 3 * 1024 * 1024 + 5;
        HttpResponse<byte[]> response = gateway.client().send(
                HttpRequest.newBuilder(gateway.uri("/download?size=" + size + (chunked ? "&chunked" : ""))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals(size, response.body().length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(response.body());
        assertEquals(EchoRoutes.patternCrc(size), Long.toHexString(crc.getValue()));
        assertEquals(chunked, response.headers().firstValue("content-length").isEmpty());
    }

    @Test
    void concurrentKeepAliveTrafficLosesNothing() throws Exception {
        // Regression: Helidon 4.2's own pool let an idle monitor steal the first byte of a reused connection's
        // response under concurrency. Our pool must never produce such a 502.
        java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int id = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 300; i++) {
                    try {
                        HttpResponse<String> response = gateway.get("/c/" + id + "/" + i);
                        if (response.statusCode() != 200 || !response.body().contains("/c/" + id + "/" + i)) {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.peek());
    }

    @Test
    void slowUpstreamGets504Problem() throws Exception {
        HttpResponse<String> response = gateway.get("/slow");
        assertEquals(504, response.statusCode());
        assertProblem(response, "upstream_timeout");
    }

    @Test
    void refusedConnectionGets502Problem() throws Exception {
        HttpResponse<String> response = gateway.get("/refused");
        assertEquals(502, response.statusCode());
        assertProblem(response, "upstream_unreachable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/broken/fixed", "/broken/chunked"})
    void upstreamDyingMidBodyAbortsTheClientConnection(String path) {
        // The client must see a broken response, never a complete-looking 200.
        assertThrows(IOException.class, () -> gateway.client().send(
                HttpRequest.newBuilder(gateway.uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    @Test
    void aMethodTheStaticRouteRefusesFallsThroughToTheCatchAll() throws Exception {
        HttpResponse<String> response = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/get-only"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("DELETE", echo(response).get("method").asText());
    }

    @Test
    void traversalAndEncodedSlashAre400() throws Exception {
        for (String path : List.of("/a/%2F/b", "/../x", "/%2e%2e/x")) {
            HttpResponse<String> response = gateway.get(path);
            assertEquals(400, response.statusCode(), path);
            assertProblem(response, "invalid_path");
        }
    }

    /** A backend that promises a 1 MiB body and dies after 64 KiB, with and without Content-Length. */
    private static ServerSocket startBrokenBackend() throws IOException {
        ServerSocket server = new ServerSocket(0);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().start(() -> serveBroken(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server;
    }

    private static void serveBroken(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            boolean chunked = head.toString().startsWith("GET /broken/chunked");
            OutputStream out = socket.getOutputStream();
            String framing = chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 1048576\r\n";
            out.write(("HTTP/1.1 200 OK\r\n" + framing + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] part = new byte[64 * 1024];
            if (chunked) {
                out.write((Integer.toHexString(part.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(part);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(part);
            }
            out.flush();
            Thread.sleep(100);
        } catch (IOException | InterruptedException ignored) {
            // the point is to die
        }
    }
}
