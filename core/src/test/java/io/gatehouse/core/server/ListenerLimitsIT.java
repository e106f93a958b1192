package io.gatehouse.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request limits, 404 and 405 answered as problem documents. */
class ListenerLimitsIT {

    private static Backend backend;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start(EchoRoutes::register);
        gateway = GatewayFixture.start("""
                server:
                  host: 127.0.0.1
                  port: 0
                  limits: { max_request_line: 1KiB, max_header_size: 2KiB, max_body_size: 1MiB }
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: users, match: { path: /users/:id, methods: [GET, PUT] }, upstream: echo }
                  - { id: upload, match: { path: /upload }, upstream: echo }
                """.formatted(backend.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void noRouteIs404Problem() throws Exception {
        HttpResponse<String> response = gateway.get("/nothing/here");
        assertEquals(404, response.statusCode());
        assertProblem(response, "route_not_found");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> response = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/users/7"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        assertEquals("GET, PUT", response.headers().firstValue("allow").orElse(""));
        assertProblem(response, "method_not_allowed");
    }

    @Test
    void longRequestLineIs414() throws Exception {
        HttpResponse<String> response = gateway.get("/users/" + "x".repeat(2000));
        assertEquals(414, response.statusCode());
        assertProblem(response, "uri_too_long");
    }

    @Test
    void largeHeadersAre431() throws Exception {
        HttpResponse<String> response = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/users/1"))
                .header("X-Big", "y".repeat(4000)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(431, response.statusCode());
        assertProblem(response, "headers_too_large");
    }

    @Test
    void the431StatusLineHasItsReasonPhrase() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /users/1 HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(4000)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String statusLine = new String(socket.getInputStream().readNBytes(48), StandardCharsets.US_ASCII);
            assertTrue(statusLine.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), statusLine);
        }
    }

    @Test
    void declaredLengthOverTheLimitIs413BeforeTheBodyIsSent() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2097152\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // no body sent: the answer must come anyway
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", head);
        }
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        long size = 3 * 1024 * 1024;
        HttpResponse<String> response = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> EchoRoutes.patternStream(size))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
    }

    @Test
    void bodyUnderTheLimitPasses() throws Exception {
        HttpResponse<String> response = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1000])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith("1000:"), response.body());
    }
}
