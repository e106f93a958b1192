package io.gatehouse.core.server;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin listener against requests whose body framing is ambiguous (RFC 9112 §6.3), over a raw socket: each is
 * refused with 400 {@code bad_request_framing} and {@code Connection: close}, the connection is closed, and the
 * request smuggled behind it is never answered (nor run). {@code HEAD} gets 405 without a body on every path, and
 * the next request on the connection is answered as usual.
 */
class AdminFramingIT {

    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        // only the admin listener is under test: the upstream is never called
        gateway = GatewayFixture.start("""
                routes: [ { id: r, match: { path: /r }, upstream: u } ]
                upstreams: { u: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } } }
                """);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String host() {
        return "Host: 127.0.0.1:" + gateway.gateway().adminPort() + "\r\n";
    }

    private static String smuggled() {
        return "GET /routes HTTP/1.1\r\n" + host() + "\r\n";
    }

    private static int reloads() throws IOException {
        try (RawClient client = RawClient.connect(gateway.gateway().adminPort())) {
            String body = client.send("GET /config/status HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n")
                    .read().bodyText();
            return body.split("\"source\"", -1).length - 1;
        }
    }

    /** Sends {@code request}, expects the framing refusal, and that nothing else comes before the close. */
    private static void assertRefusedAndClosed(String request) throws IOException {
        assertRefusedAndClosed(request, true);
    }

    /** @param ours whether the gateway's filter refuses it, not Helidon's parser before it */
    private static void assertRefusedAndClosed(String request, boolean ours) throws IOException {
        try (RawClient client = RawClient.connect(gateway.gateway().adminPort())) {
            RawClient.RawResponse response = client.send(request).read();
            assertEquals(400, response.status(), response.bodyText());
            assertEquals("close", response.header("Connection"), response.headerLines().toString());
            assertTrue(client.closedByPeer(), "the connection is closed; the smuggled request gets no answer");
            if (!ours) {
                return;
            }
            assertTrue(response.header("Content-Type").startsWith("application/problem+json"),
                    response.header("Content-Type"));
            assertTrue(response.bodyText().contains("\"bad_request_framing\""), response.bodyText());
        }
    }

    @Test
    void contentLengthWithChunkedIsRefusedAndTheSmuggledRequestUnanswered() throws IOException {
        int before = reloads();
        assertRefusedAndClosed("POST /reload HTTP/1.1\r\n" + host()
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled());
        assertEquals(before, reloads(), "the refused reload did not run");
    }

    @Test
    void twoDifferentContentLengthsAreRefused() throws IOException {
        assertRefusedAndClosed("POST /reload HTTP/1.1\r\n" + host()
                + "Content-Length: 0\r\nContent-Length: 5\r\n\r\nhello" + smuggled());
    }

    @Test
    void twoEqualContentLengthsAndAListAreRefused() throws IOException {
        assertRefusedAndClosed("POST /reload HTTP/1.1\r\n" + host()
                + "Content-Length: 0\r\nContent-Length: 0\r\n\r\n" + smuggled());
        // a list is no number to Helidon's parser: it answers 400 itself, before the filter, and closes too
        assertRefusedAndClosed("POST /reload HTTP/1.1\r\n" + host() + "Content-Length: 0, 5\r\n\r\nhello" + smuggled(),
                false);
    }

    @Test
    void aTransferCodingOtherThanChunkedIsRefused() throws IOException {
        assertRefusedAndClosed("POST /reload HTTP/1.1\r\n" + host()
                + "Transfer-Encoding: xchunked\r\n\r\n" + smuggled());
        assertRefusedAndClosed("POST /reload HTTP/1.1\r\n" + host()
                + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + smuggled());
        assertRefusedAndClosed("POST /reload HTTP/1.1\r\n" + host()
                + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled());
    }

    @Test
    void everyAdminPathIsBehindTheCheck() throws IOException {
        for (String path : new String[] {"/metrics", "/ui", "/ui/app.js", "/", "/routes", "/no-such-thing"}) {
            assertRefusedAndClosed("GET " + path + " HTTP/1.1\r\n" + host()
                    + "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled());
        }
    }

    @Test
    void wellFramedBodiesStillWork() throws IOException {
        try (RawClient client = RawClient.connect(gateway.gateway().adminPort())) {
            assertEquals(200, client.send("POST /reload HTTP/1.1\r\n" + host()
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").read().status());
            assertEquals(200, client.send("POST /reload HTTP/1.1\r\n" + host()
                    + "Content-Length: 0\r\n\r\n").read().status());
            RawClient.RawResponse routes = client.send(smuggled()).read();
            assertEquals(200, routes.status());
            assertTrue(routes.bodyText().contains("\"r\""), routes.bodyText());
        }
    }

    @Test
    void headIs405WithoutABodyOnEveryPath() throws IOException {
        try (RawClient client = RawClient.connect(gateway.gateway().adminPort())) {
            for (String path : new String[] {"/metrics", "/routes", "/ui", "/ui/app.js", "/health"}) {
                // HEAD then GET, pipelined: a body after the HEAD answer would be read as the GET's answer
                client.send("HEAD " + path + " HTTP/1.1\r\n" + host() + "\r\n" + smuggled());
                RawClient.RawResponse head = client.readHead();
                assertEquals(405, head.status(), path);
                assertEquals("GET", head.header("Allow"), path);
                String length = head.header("Content-Length");
                assertTrue(length == null || length.equals("0"), path + ": Content-Length " + length);
                RawClient.RawResponse next = client.read();
                assertEquals("HTTP/1.1", next.version(), path + ": the next answer starts where the HEAD's ends");
                assertEquals(200, next.status(), path);
                assertTrue(next.bodyText().contains("\"r\""), path + ": " + next.bodyText());
            }
        }
    }
}
