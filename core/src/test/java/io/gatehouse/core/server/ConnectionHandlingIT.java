package io.gatehouse.core.server;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawClient.RawResponse;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.gatehouse.core.server.RequestFramingIT.SMUGGLED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens to a client connection after each kind of request (RFC 9112 §9): {@code Connection: close} and
 * HTTP/1.0 are honoured, a refused body is never run as a request, {@code 100 Continue} is sent only when the body
 * is read, pipelined requests are answered in order and nothing after an error is served.
 */
class ConnectionHandlingIT {

    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> request.requestLine().startsWith("GET /stream")
                ? RawUpstream.Reply.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + ("c350\r\n" + "a".repeat(50_000) + "\r\n").repeat(2) + "0\r\n\r\n")
                : RawUpstream.Reply.ok("got " + request.body().length));
        gateway = GatewayFixture.start("""
                server:
                  host: 127.0.0.1
                  port: 0
                  limits: { max_body_size: 1KiB }
                upstreams:
                  raw: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: all, match: { path: /*rest, methods: [GET, POST] }, upstream: raw }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private int before;

    @BeforeEach
    void mark() {
        before = upstream.received().size();
    }

    private List<RawUpstream.Received> received() {
        List<RawUpstream.Received> all = upstream.received();
        return all.subList(before, all.size());
    }

    @Test
    void connectionCloseFromTheClientClosesAfterTheResponse() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("GET /one HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"
                    + "GET /two HTTP/1.1\r\nHost: gw\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("close", response.header("Connection"));
            assertTrue(client.closedByPeer());
        }
        assertEquals(1, received().size(), "nothing after Connection: close may be served");
    }

    @Test
    void connectionCloseIsCaseInsensitiveAndMayBeOneOfSeveralTokens() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("GET /one HTTP/1.1\r\nHost: gw\r\nConnection: X-Foo, CLOSE\r\n"
                    + "X-Foo: secret\r\n\r\n").read();
            assertEquals(200, response.status());
            assertTrue(client.closedByPeer());
        }
        assertNull(received().getFirst().header("X-Foo"), "a header named in Connection is hop-by-hop");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("POST /a HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /b HTTP/1.1\r\nHost: gw\r\n\r\n"
                    + "POST /c HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n");
            assertEquals("got 3", client.read().bodyText());
            assertEquals("got 0", client.read().bodyText());
            assertEquals("got 1", client.read().bodyText());
        }
        assertEquals(List.of("POST /a HTTP/1.1", "GET /b HTTP/1.1", "POST /c HTTP/1.1"),
                received().stream().map(RawUpstream.Received::requestLine).toList());
    }

    @Test
    void nothingAfterAMalformedRequestInAPipelineIsServed() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("GET /first HTTP/1.1\r\nHost: gw\r\n\r\n"
                    + "POST /bad HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"
                    + SMUGGLED);
            assertEquals(200, client.read().status());
            RawResponse refused = client.read();
            assertEquals(400, refused.status());
            assertTrue(client.closedByPeer());
        }
        assertEquals(List.of("GET /first HTTP/1.1"), received().stream().map(RawUpstream.Received::requestLine)
                .toList());
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413AndItsBodyNeverRuns() throws Exception {
        String body = SMUGGLED.repeat(60); // over 1 KiB, made of requests
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("POST /upload HTTP/1.1\r\nHost: gw\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).read();
            assertEquals(413, response.status());
            assertEquals("close", response.header("Connection"));
            assertTrue(client.closedByPeer());
        }
        assertEquals(List.of(), received());
        assertFalse(upstream.rawText().contains("/smuggled"));
    }

    @Test
    void noContinueBeforeA413() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("POST /upload HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 1000000000\r\n\r\n").read();
            assertEquals(413, response.status(), "no 100 Continue for a body that will not be read");
            assertTrue(client.closedByPeer());
        }
        assertEquals(List.of(), received());
    }

    @Test
    void continueIsSentWhenTheBodyIsRead() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("POST /upload HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            RawResponse interim = client.read();
            assertEquals(100, interim.status());
            RawResponse response = client.send("hello").read();
            assertEquals(200, response.status());
            assertEquals("got 5", response.bodyText());
        }
        assertNull(received().getFirst().header("Expect"), "the expectation is the gateway's, not forwarded");
    }

    @Test
    void http10IsServedAndClosedWithoutKeepAlive() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("GET /old HTTP/1.0\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("got 0", response.bodyText());
            assertTrue(client.closedByPeer());
        }
        assertEquals("GET /old HTTP/1.1", received().getFirst().requestLine());
    }

    @Test
    void http10KeepAliveIsHonouredAndAnUnknownLengthIsDelimitedByClose() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse first = client.send("GET /one HTTP/1.0\r\nHost: gw\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals(200, first.status());
            assertEquals("keep-alive", first.header("Connection"));
            // the upstream streams a chunked body: an HTTP/1.0 client gets it delimited by the end of the connection
            RawResponse second = client.send("GET /stream HTTP/1.0\r\nHost: gw\r\nConnection: keep-alive\r\n\r\n")
                    .read();
            assertEquals(200, second.status());
            assertNull(second.header("Transfer-Encoding"));
            assertNull(second.header("Content-Length"));
            assertEquals("a".repeat(100_000), second.bodyText());
        }
    }

    @Test
    void unreadBodyClosesTheConnectionInsteadOfBeingParsedAsTheNextRequest() throws Exception {
        // no route takes DELETE: 405, without reading the body
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("DELETE /x HTTP/1.1\r\nHost: gw\r\nContent-Length: "
                    + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED).read();
            assertEquals(405, response.status());
            assertEquals("close", response.header("Connection"));
            assertTrue(client.closedByPeer());
        }
        assertEquals(List.of(), received());
        assertFalse(upstream.rawText().contains("/smuggled"));
    }

    @Test
    void absoluteFormTargetsAreAcceptedAndTheirAuthorityIsTheHost() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("GET http://example.test/abs?q=1 HTTP/1.1\r\nHost: other\r\n\r\n")
                    .read();
            assertEquals(200, response.status());
        }
        RawUpstream.Received request = received().getFirst();
        assertEquals("GET /abs?q=1 HTTP/1.1", request.requestLine());
        assertEquals("example.test", request.header("X-Forwarded-Host"));
    }
}
