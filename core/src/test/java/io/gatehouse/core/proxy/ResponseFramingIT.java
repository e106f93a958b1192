package io.gatehouse.core.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream responses whose end is in doubt: the client gets a 502 and the upstream connection is never used again,
 * so no byte of a bad response can become another client's answer. Every client here is its own TCP connection.
 */
class ResponseFramingIT {

    private static final String OK = "HTTP/1.1 200 OK\r\n";
    private static final String CHUNKED = OK + "Transfer-Encoding: chunked\r\n\r\n";
    private static final String SMUGGLED = "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nhijack!";

    /** An upstream answer that must be refused. */
    record Bad(String slug, String reply) {
        @Override
        public String toString() {
            return slug;
        }
    }

    /** An upstream answer that is valid, and whether its connection may serve the next request. */
    record Accepted(String slug, String reply, String body, boolean reused) {
        @Override
        public String toString() {
            return slug;
        }
    }

    static final List<Bad> BAD = List.of(
            new Bad("cl-and-te", OK + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            new Bad("te-and-cl", OK + "Transfer-Encoding: chunked\r\nContent-Length: 17\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            new Bad("two-lengths", OK + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
            new Bad("length-list", OK + "Content-Length: 5, 6\r\n\r\nhello!"),
            new Bad("length-plus", OK + "Content-Length: +5\r\n\r\nhello"),
            new Bad("length-negative", OK + "Content-Length: -1\r\n\r\nhello"),
            new Bad("length-letters", OK + "Content-Length:  5x\r\n\r\nhello"),
            new Bad("length-empty", OK + "Content-Length:\r\n\r\nhello"),
            new Bad("length-overflow", OK + "Content-Length: 99999999999999999999\r\n\r\nhello"),
            new Bad("name-space-colon", OK + "Content-Length : 5\r\n\r\nhello"),
            new Bad("te-gzip", OK + "Transfer-Encoding: gzip\r\n\r\nhello"),
            new Bad("te-chunked-gzip", OK + "Transfer-Encoding: chunked, gzip\r\n\r\nhello"),
            new Bad("te-gzip-chunked", OK + "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            new Bad("te-chunked-twice", OK + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n"),
            new Bad("te-on-http10", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            new Bad("chunk-size-letters", CHUNKED + "zz\r\nhello\r\n0\r\n\r\n"),
            new Bad("chunk-size-plus", CHUNKED + "+5\r\nhello\r\n0\r\n\r\n"),
            new Bad("chunk-size-0x", CHUNKED + "0x5\r\nhello\r\n0\r\n\r\n"),
            new Bad("chunk-size-overflow", CHUNKED + "10000000000000005\r\nhello\r\n0\r\n\r\n"),
            new Bad("chunk-longer-than-size", CHUNKED + "3\r\nhello\r\n0\r\n\r\n"),
            new Bad("chunk-bare-lf", CHUNKED + "5\nhello\r\n0\r\n\r\n"),
            new Bad("bytes-after-length", OK + "Content-Length: 5\r\n\r\nhello" + SMUGGLED),
            new Bad("bytes-after-chunked", CHUNKED + "5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
            new Bad("bytes-after-204", "HTTP/1.1 204 No Content\r\n\r\n" + SMUGGLED),
            new Bad("unsolicited-101", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket"
                    + "\r\n\r\n\u0081\u0005hello"),
            new Bad("status-2000", "HTTP/1.1 2000 OK\r\nContent-Length: 5\r\n\r\nhello"),
            new Bad("status-http2", "HTTP/2 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
            new Bad("obs-fold", OK + "X-A: a\r\n b\r\nContent-Length: 5\r\n\r\nhello"));

    static final List<Accepted> ACCEPTED = List.of(
            new Accepted("identical-length-list", OK + "Content-Length: 5, 5\r\n\r\nhello", "hello", true),
            new Accepted("identical-length-lines", OK + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "hello",
                    true),
            new Accepted("chunked-extensions-trailers", CHUNKED + "2;a=b\r\nhe\r\n3\r\nllo\r\n0\r\nX-Sum: 1\r\n\r\n",
                    "hello", true),
            new Accepted("interim-with-headers", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
                    + "Link: </style.css>; rel=preload\r\n\r\n" + OK + "Content-Length: 5\r\n\r\nhello", "hello", true),
            new Accepted("connection-close", OK + "Connection: close\r\nContent-Length: 5\r\n\r\nhello", "hello",
                    false),
            new Accepted("http10", "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", "hello", false));

    private static final List<String> LISTED = List.of("X-Secret", "close, X-Secret", "keep-alive,x-secret");
    private static final List<String> HOP_BY_HOP = List.of("X-Secret", "Keep-Alive", "Proxy-Authenticate",
            "Proxy-Connection", "Trailer", "Upgrade", "TE", "Transfer-Encoding");

    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(ResponseFramingIT::answer);
        gateway = GatewayFixture.start("""
                upstreams:
                  raw:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    health: { passive: { consecutive_failures: 1000 } }
                routes:
                  - { id: all, match: { path: /*rest }, upstream: raw }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static RawUpstream.Reply answer(RawUpstream.Received request) {
        String[] path = request.requestLine().split(" ")[1].split("/");
        return switch (path[1]) {
            case "bad" -> RawUpstream.Reply.of(BAD.stream().filter(c -> c.slug().equals(path[2])).findFirst()
                    .orElseThrow().reply());
            case "accepted" -> RawUpstream.Reply.of(ACCEPTED.stream().filter(c -> c.slug().equals(path[2]))
                    .findFirst().orElseThrow().reply());
            case "whoami" -> path[2].equals("1")
                    ? RawUpstream.Reply.of(OK + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                    + SMUGGLED)
                    : RawUpstream.Reply.ok("you are " + path[2]);
            case "listed" -> RawUpstream.Reply.of(OK + "Connection: " + LISTED.get(Integer.parseInt(path[2]))
                    + "\r\nX-Secret: s3cr3t\r\nKeep-Alive: timeout=5\r\nProxy-Authenticate: Basic realm=x\r\n"
                    + "Proxy-Connection: keep-alive\r\nTrailer: X-Sum\r\nUpgrade: h2c\r\nTE: trailers\r\n"
                    + "X-Kept: yes\r\nContent-Length: 2\r\n\r\nok");
            case "closing" -> RawUpstream.Reply.thenClose(OK + "Content-Length: 3\r\n\r\nbye");
            default -> RawUpstream.Reply.ok("good");
        };
    }

    static Stream<Bad> bad() {
        return BAD.stream();
    }

    @ParameterizedTest
    @MethodSource("bad")
    void invalidFramingIs502AndItsConnectionIsNeverReused(Bad c) throws Exception {
        int streak = consecutiveFailures();
        RawClient.RawResponse refused = request("GET /bad/" + c.slug());
        assertBadResponse(refused);
        assertEquals(streak + 1, consecutiveFailures(), "the upstream's own fault");

        int connections = upstream.connections();
        RawClient.RawResponse next = request("GET /good");
        assertEquals(200, next.status(), next.bodyText());
        assertEquals("good", next.bodyText());
        assertEquals(connections + 1, upstream.connections(), "the next request needed a new connection");
        assertEquals(connections, last().connection(), "the next request went on the new connection");
    }

    static Stream<Accepted> accepted() {
        return ACCEPTED.stream();
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void validFramingIsServedAndKeepsTheConnectionWhenItMay(Accepted c) throws Exception {
        RawClient.RawResponse response = request("GET /accepted/" + c.slug());
        assertEquals(200, response.status(), response.bodyText());
        assertEquals(c.body(), response.bodyText());
        assertNull(response.header("Link"), "interim headers stay with the interim response");
        int connection = last().connection();

        assertEquals("good", request("GET /good").bodyText());
        assertEquals(c.reused(), last().connection() == connection, "connection reused");
    }

    @Test
    void aResponseWithAnotherOneSmuggledBehindItIsNeverAnyoneElsesAnswer() throws Exception {
        // The original mix-up: Content-Length and chunked together, a second response hidden after the first.
        assertBadResponse(request("GET /whoami/1"));
        assertEquals("you are 2", request("GET /whoami/2").bodyText());
        assertEquals("you are 3", request("GET /whoami/3").bodyText());
        for (String path : List.of("/whoami/1", "/whoami/2", "/whoami/3")) {
            assertEquals(1, upstream.received().stream().filter(r -> r.requestLine().contains(path + " ")).count(),
                    path + " reached the upstream once");
        }
    }

    static Stream<Integer> listed() {
        return Stream.of(0, 1, 2);
    }

    @ParameterizedTest
    @MethodSource("listed")
    void headersListedInConnectionAndHopByHopHeadersNeverReachTheClient(int listed) throws Exception {
        RawClient.RawResponse response = request("GET /listed/" + listed);
        assertEquals(200, response.status(), response.bodyText());
        assertEquals("ok", response.bodyText());
        assertEquals("yes", response.header("X-Kept"));
        assertEquals("2", response.header("Content-Length"), "re-framed by the gateway");
        for (String name : HOP_BY_HOP) {
            assertNull(response.header(name), name + " in " + response.headerLines());
        }
        String connection = String.valueOf(response.header("Connection")).toLowerCase(Locale.ROOT);
        assertFalse(connection.contains("secret"), connection);
        assertFalse(String.join("\n", response.headerLines()).contains("s3cr3t"), response.headerLines().toString());
    }

    @Test
    void anIdleConnectionTheUpstreamClosedIsNotUsedEvenForARequestThatCannotBeRetried() throws Exception {
        assertEquals("bye", request("GET /closing").bodyText());
        int closing = last().connection();
        awaitClosed(closing);

        RawClient.RawResponse post = request("POST /post", "Content-Length: 1\r\n", "x");
        assertEquals(200, post.status(), post.bodyText());
        assertTrue(last().connection() != closing, "a new connection");
    }

    private static RawClient.RawResponse request(String requestLine) throws IOException {
        return request(requestLine, "", "");
    }

    /** One request on a TCP connection of its own. */
    private static RawClient.RawResponse request(String requestLine, String headers, String body) throws IOException {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            return client.send(requestLine + " HTTP/1.1\r\nHost: gateway\r\n" + headers + "Connection: close\r\n\r\n"
                    + body).read();
        }
    }

    private static void assertBadResponse(RawClient.RawResponse response) throws IOException {
        assertEquals(502, response.status(), response.bodyText());
        assertEquals("application/problem+json", response.header("Content-Type"));
        JsonNode problem = EchoRoutes.JSON.readTree(response.body());
        assertEquals("upstream_bad_response", problem.get("code").asText(), response.bodyText());
        assertFalse(response.bodyText().contains(String.valueOf(upstream.port())), "no internal address");
        assertFalse(response.bodyText().contains("hijack"), "no upstream bytes");
    }

    private static RawUpstream.Received last() {
        List<RawUpstream.Received> received = upstream.received();
        return received.get(received.size() - 1);
    }

    private static int consecutiveFailures() throws Exception {
        JsonNode upstreams = EchoRoutes.JSON.readTree(gateway.admin("/upstreams").body()).get("upstreams");
        return upstreams.get(0).get("endpoints").get(0).get("health").get("consecutive_failures").asInt();
    }

    private static void awaitClosed(int connection) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!upstream.closed(connection) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(upstream.closed(connection), "the upstream closed connection " + connection);
    }
}
