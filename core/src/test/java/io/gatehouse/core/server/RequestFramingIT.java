package io.gatehouse.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawClient.RawResponse;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request framing from a raw socket (RFC 9112 §6): every Transfer-Encoding/Content-Length combination that two
 * parsers could read differently is refused and the connection closed, and the upstream receives nothing of it;
 * every valid one reaches the upstream re-framed, with nothing smuggled after it. Each case asserts what the client
 * got and what the upstream received.
 */
class RequestFramingIT {

    /** A complete request hidden in a body: if the gateway ever parsed it as a request, the upstream would see it. */
    static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("got " + request.body().length));
        gateway = GatewayFixture.start("""
                upstreams:
                  raw:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    health: { passive: { consecutive_failures: 2, ejection_time: 60s } }
                routes:
                  - { id: all, match: { path: /*rest }, upstream: raw }
                global_filters:
                  - request_id
                  - access_log: { file: logs/access.log }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private int upstreamBefore;

    @BeforeEach
    void mark() {
        upstreamBefore = upstream.received().size();
    }

    private List<RawUpstream.Received> receivedSinceStart() {
        List<RawUpstream.Received> all = upstream.received();
        return all.subList(upstreamBefore, all.size());
    }

    record Refused(String desc, String head, int status) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Refused> refused() {
        String post = "POST /upload HTTP/1.1\r\nHost: gw\r\n";
        String chunkedBody = Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n";
        return Stream.of(
                new Refused("TE with CL", post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                        + chunkedBody, 400),
                new Refused("CL with TE", post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunkedBody, 400),
                new Refused("gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunkedBody, 501),
                new Refused("two TE headers gzip and chunked", post + "Transfer-Encoding: gzip\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + chunkedBody, 501),
                new Refused("chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n"
                        + chunkedBody, 400),
                new Refused("chunked twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunkedBody, 400),
                new Refused("xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n" + chunkedBody, 400),
                new Refused("chunked with a parameter", post + "Transfer-Encoding: chunked;a=b\r\n\r\n"
                        + chunkedBody, 400),
                new Refused("identity only", post + "Transfer-Encoding: identity\r\n\r\n" + SMUGGLED, 400),
                new Refused("empty TE element", post + "Transfer-Encoding: ,chunked\r\n\r\n" + chunkedBody, 400),
                new Refused("TE in HTTP/1.0", "POST /upload HTTP/1.0\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunkedBody, 400),
                new Refused("space before the colon", post + "Transfer-Encoding : chunked\r\n\r\n" + chunkedBody, 400),
                new Refused("tab before the colon", post + "Content-Length\t: 5\r\n\r\nhello", 400),
                new Refused("two different CLs", post + "Content-Length: 5\r\nContent-Length: 41\r\n\r\nhello"
                        + SMUGGLED, 400),
                new Refused("a CL list of different values", post + "Content-Length: 5, 41\r\n\r\nhello" + SMUGGLED,
                        400),
                new Refused("CL +5", post + "Content-Length: +5\r\n\r\nhello" + SMUGGLED, 400),
                new Refused("CL -1", post + "Content-Length: -1\r\n\r\n" + SMUGGLED, 400),
                new Refused("CL in hex", post + "Content-Length: 0x5\r\n\r\nhello", 400),
                new Refused("CL with a space inside", post + "Content-Length: 1 5\r\n\r\nhello", 400),
                new Refused("empty CL", post + "Content-Length: \r\n\r\n" + SMUGGLED, 400),
                new Refused("CL overflow", post + "Content-Length: 99999999999999999999999\r\n\r\n", 400),
                new Refused("obs-fold", post + "X-A: 1\r\n Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                        + "hello", 400),
                new Refused("empty header name", "GET / HTTP/1.1\r\nHost: gw\r\n: value\r\n\r\n", 400),
                new Refused("tab between method and target", "GET\t/ HTTP/1.1\r\nHost: gw\r\n\r\n", 400),
                new Refused("two spaces in the request line", "GET  / HTTP/1.1\r\nHost: gw\r\n\r\n", 400),
                new Refused("bare LF", "GET / HTTP/1.1\nHost: gw\n\n", 400),
                new Refused("bare CR inside a header", "GET / HTTP/1.1\r\nHost: gw\r\nX-A: a\rb\r\n\r\n", 400),
                new Refused("NUL in a header value", "GET / HTTP/1.1\r\nHost: gw\r\nX-A: a\0b\r\n\r\n", 400),
                new Refused("no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
                new Refused("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                new Refused("an invalid Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
                new Refused("HTTP/1.2", "GET / HTTP/1.2\r\nHost: gw\r\n\r\n", 505),
                new Refused("HTTP/2.0 on an HTTP/1 connection", "GET / HTTP/2.0\r\nHost: gw\r\n\r\n", 505),
                new Refused("HTTP/0.9 style", "GET /\r\n\r\n", 400),
                new Refused("lower-case version", "GET / http/1.1\r\nHost: gw\r\n\r\n", 400),
                new Refused("raw non-ASCII in the path", "GET /caf\u00e9 HTTP/1.1\r\nHost: gw\r\n\r\n", 400),
                new Refused("a fragment in the target", "GET /a#b HTTP/1.1\r\nHost: gw\r\n\r\n", 400),
                new Refused("a method that is not a token", "GE(T / HTTP/1.1\r\nHost: gw\r\n\r\n", 400),
                new Refused("an unknown expectation", post + "Expect: 200-ok\r\nContent-Length: 5\r\n\r\nhello",
                        417));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedAndClosedAndNothingReachesTheUpstream(Refused c) throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send(c.head()).read();
            assertEquals(c.status(), response.status(), response.bodyText());
            assertProblemDocument(response);
            assertEquals("close", response.header("Connection"));
            assertTrue(client.closedByPeer(), "the connection must be closed after a refusal");
            assertLogged(response.header("X-Request-Id"), c.status());
        }
        assertEquals(List.of(), receivedSinceStart(), "the upstream must receive nothing");
        assertFalse(upstream.rawText().contains("/smuggled"));
    }

    @Test
    void chunkedIsCaseInsensitiveAndItsBodyIsNeverParsedAsARequest() throws Exception {
        // a request in the body, to a path of its own: only ever data (SMUGGLED must reach no upstream at all)
        String inBody = SMUGGLED.replace("/smuggled", "/in-body");
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("POST /upload HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: CHUNKED\r\n\r\n"
                    + Integer.toHexString(inBody.length()) + "\r\n" + inBody + "\r\n0\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("got " + inBody.length(), response.bodyText());
        }
        List<RawUpstream.Received> received = receivedSinceStart();
        assertEquals(1, received.size());
        assertEquals("POST /upload HTTP/1.1", received.getFirst().requestLine());
        assertEquals(inBody, received.getFirst().bodyText());
        // re-framed by the gateway, not passed through as sent
        assertEquals("chunked", received.getFirst().header("Transfer-Encoding"));
    }

    @Test
    void identicalRepeatedLengthsAreOneLength() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("POST /upload HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n"
                    + "Content-Length: 5\r\n\r\nhello").read();
            assertEquals(200, response.status());
        }
        assertEquals("hello", receivedSinceStart().getFirst().bodyText());
    }

    @Test
    void chunkExtensionsAndTrailersAreAcceptedAndDropped() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            for (int i = 0; i < 6; i++) {
                RawResponse response = client.send("POST /upload HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n"
                        + "\r\n5;ext=1\r\nhello\r\n6 ; name=\"quoted\"\r\n world\r\n0\r\nX-Trailer: t\r\n"
                        + "X-Other: u\r\n\r\n").read();
                assertEquals(200, response.status(), response.bodyText());
                assertEquals("got 11", response.bodyText());
            }
        }
        List<RawUpstream.Received> received = receivedSinceStart();
        assertEquals(6, received.size());
        for (RawUpstream.Received request : received) {
            assertEquals("hello world", request.bodyText());
            assertNull(request.header("X-Trailer"));
            assertFalse(request.head().contains("ext"), request.head());
        }
    }

    record Malformed(String desc, String body) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Malformed> malformedChunks() {
        return Stream.of(
                new Malformed("size not hex", "zz\r\nhello\r\n0\r\n\r\n"),
                new Malformed("size with a sign", "+5\r\nhello\r\n0\r\n\r\n"),
                new Malformed("data longer than its size", "3\r\nhello\r\n0\r\n\r\n"),
                new Malformed("size overflow", "fffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
                new Malformed("bare LF after the size", "5\nhello\r\n0\r\n\r\n"),
                new Malformed("control character in an extension", "5;a=\u0001\r\nhello\r\n0\r\n\r\n"),
                new Malformed("malformed trailer", "5\r\nhello\r\n0\r\nno colon here\r\n\r\n"));
    }

    /**
     * A malformed chunked body is the client's fault: 400, the connection closed, and it never counts against the
     * upstream, whose passive health ejects after 2 failures here.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedChunks")
    void malformedChunkedBodyIs400AndNeverCountsAgainstTheUpstream(Malformed c) throws Exception {
        for (int i = 0; i < 3; i++) {
            try (RawClient client = RawClient.connect(gateway.uri("/"))) {
                RawResponse response = client.send("POST /upload HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n"
                        + "\r\n" + c.body() + SMUGGLED).read();
                assertEquals(400, response.status(), response.bodyText());
                assertProblemDocument(response);
                assertTrue(client.closedByPeer());
            }
        }
        assertFalse(upstream.rawText().contains("/smuggled"));
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawResponse response = client.send("GET /after HTTP/1.1\r\nHost: gw\r\n\r\n").read();
            assertEquals(200, response.status(), "the upstream must still be in rotation: " + response.bodyText());
        }
    }

    /** One access-log line for the refused request, with its status and the target as sent. */
    private static void assertLogged(String requestId, int status) throws Exception {
        java.nio.file.Path log = gateway.home().resolve("logs/access.log");
        for (int i = 0; i < 100; i++) {
            List<String> lines = java.nio.file.Files.exists(log) ? java.nio.file.Files.readAllLines(log) : List.of();
            List<JsonNode> mine = new java.util.ArrayList<>();
            for (String line : lines) {
                JsonNode json = EchoRoutes.JSON.readTree(line);
                if (requestId.equals(json.get("request_id").asText())) {
                    mine.add(json);
                }
            }
            if (!mine.isEmpty()) {
                assertEquals(1, mine.size());
                assertEquals(status, mine.getFirst().get("status").asInt());
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no access log line for request " + requestId);
    }

    private static void assertProblemDocument(RawResponse response) throws Exception {
        assertEquals("application/problem+json", response.header("Content-Type"));
        JsonNode problem = EchoRoutes.JSON.readTree(response.body());
        assertEquals(response.status(), problem.get("status").asInt());
        assertEquals(response.header("X-Request-Id"), problem.get("request_id").asText());
    }
}
