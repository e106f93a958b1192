package io.gatehouse.core.proxy;

import io.helidon.common.buffers.DataReader;
import io.gatehouse.api.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status lines and framing headers of upstream responses: what is accepted, as what, and what is refused. */
class ResponseFramingTest {

    record Framed(String desc, String method, String statusLine, String head, ResponseFraming.Kind kind,
                  long length, boolean keepAlive) {
        @Override
        public String toString() {
            return desc;
        }
    }

    record Refused(String desc, String method, String statusLine, String head, String messagePart) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Framed> accepted() {
        return Stream.of(
                new Framed("length", "GET", "HTTP/1.1 200 OK", "Content-Length: 5", ResponseFraming.Kind.LENGTH, 5,
                        true),
                new Framed("leading zeros are digits", "GET", "HTTP/1.1 200 OK", "Content-Length: 007",
                        ResponseFraming.Kind.LENGTH, 7, true),
                new Framed("identical list", "GET", "HTTP/1.1 200 OK", "Content-Length: 5, 5",
                        ResponseFraming.Kind.LENGTH, 5, true),
                new Framed("identical lines", "GET", "HTTP/1.1 200 OK", "Content-Length: 5\r\nContent-Length: 5",
                        ResponseFraming.Kind.LENGTH, 5, true),
                new Framed("chunked, any case", "GET", "HTTP/1.1 200 OK", "Transfer-Encoding: Chunked",
                        ResponseFraming.Kind.CHUNKED, -1, true),
                new Framed("neither: until close", "GET", "HTTP/1.1 200 OK", "X-A: b",
                        ResponseFraming.Kind.UNTIL_CLOSE, -1, false),
                new Framed("connection close", "GET", "HTTP/1.1 200 OK", "Connection: x-a, Close\r\nContent-Length: 1",
                        ResponseFraming.Kind.LENGTH, 1, false),
                new Framed("a token merely containing close", "GET", "HTTP/1.1 200 OK",
                        "Connection: x-close-me\r\nContent-Length: 1", ResponseFraming.Kind.LENGTH, 1, true),
                new Framed("HTTP/1.0 is never reused", "GET", "HTTP/1.0 200 OK",
                        "Connection: keep-alive\r\nContent-Length: 1", ResponseFraming.Kind.LENGTH, 1, false),
                new Framed("HEAD keeps its length, has no body", "HEAD", "HTTP/1.1 200 OK", "Content-Length: 5",
                        ResponseFraming.Kind.NONE, 5, true),
                new Framed("HEAD ignores its coding", "HEAD", "HTTP/1.1 200 OK", "Transfer-Encoding: gzip",
                        ResponseFraming.Kind.NONE, -1, true),
                new Framed("204", "GET", "HTTP/1.1 204 No Content", "X-A: b", ResponseFraming.Kind.NONE, -1, true),
                new Framed("304", "GET", "HTTP/1.1 304 Not Modified", "ETag: \"x\"", ResponseFraming.Kind.NONE, -1,
                        true),
                new Framed("no reason phrase", "GET", "HTTP/1.1 200", "Content-Length: 0",
                        ResponseFraming.Kind.LENGTH, 0, true));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void accepts(Framed c) throws Exception {
        ResponseFraming framing = ResponseFraming.of(c.method(), StatusLine.parse(c.statusLine()), head(c.head()));
        assertEquals(c.kind(), framing.kind());
        assertEquals(c.length(), framing.length());
        assertEquals(c.keepAlive(), framing.keepAlive());
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("CL and TE", "GET", "HTTP/1.1 200 OK",
                        "Content-Length: 5\r\nTransfer-Encoding: chunked", "both"),
                new Refused("CL and TE on HEAD too", "HEAD", "HTTP/1.1 200 OK",
                        "Transfer-Encoding: chunked\r\nContent-Length: 5", "both"),
                new Refused("two lengths", "GET", "HTTP/1.1 200 OK", "Content-Length: 5\r\nContent-Length: 6",
                        "conflicting"),
                new Refused("a list of two lengths", "GET", "HTTP/1.1 200 OK", "Content-Length: 5, 6",
                        "conflicting"),
                new Refused("same value, other spelling", "GET", "HTTP/1.1 200 OK", "Content-Length: 5, 05",
                        "conflicting"),
                new Refused("plus sign", "GET", "HTTP/1.1 200 OK", "Content-Length: +5", "invalid Content-Length"),
                new Refused("negative", "GET", "HTTP/1.1 200 OK", "Content-Length: -1", "invalid Content-Length"),
                new Refused("trailing letter", "GET", "HTTP/1.1 200 OK", "Content-Length:  5x",
                        "invalid Content-Length"),
                new Refused("space inside", "GET", "HTTP/1.1 200 OK", "Content-Length: 5 5",
                        "invalid Content-Length"),
                new Refused("empty", "GET", "HTTP/1.1 200 OK", "Content-Length:", "invalid Content-Length"),
                new Refused("empty list element", "GET", "HTTP/1.1 200 OK", "Content-Length: 5,",
                        "invalid Content-Length"),
                new Refused("hex", "GET", "HTTP/1.1 200 OK", "Content-Length: 0x5", "invalid Content-Length"),
                new Refused("overflow", "GET", "HTTP/1.1 200 OK", "Content-Length: 99999999999999999999",
                        "invalid Content-Length"),
                new Refused("invalid length even on 304", "GET", "HTTP/1.1 304 Not Modified", "Content-Length: x",
                        "invalid Content-Length"),
                new Refused("final coding not chunked", "GET", "HTTP/1.1 200 OK", "Transfer-Encoding: gzip",
                        "not exactly chunked"),
                new Refused("chunked then gzip", "GET", "HTTP/1.1 200 OK", "Transfer-Encoding: chunked, gzip",
                        "not exactly chunked"),
                new Refused("gzip then chunked would reach the client undecoded", "GET", "HTTP/1.1 200 OK",
                        "Transfer-Encoding: gzip, chunked", "not exactly chunked"),
                new Refused("chunked twice", "GET", "HTTP/1.1 200 OK",
                        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", "not exactly chunked"),
                new Refused("empty coding", "GET", "HTTP/1.1 200 OK", "Transfer-Encoding:", "not exactly chunked"),
                new Refused("coding on HTTP/1.0", "GET", "HTTP/1.0 200 OK", "Transfer-Encoding: chunked",
                        "HTTP/1.0"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refuses(Refused c) {
        BadResponseException e = assertThrows(BadResponseException.class,
                () -> ResponseFraming.of(c.method(), StatusLine.parse(c.statusLine()), head(c.head())));
        assertTrue(e.getMessage().contains(c.messagePart()), e.getMessage());
    }

    record Status(String line, boolean http10, int code) {
    }

    static Stream<Status> statusLines() {
        return Stream.of(new Status("HTTP/1.1 200 OK", false, 200), new Status("HTTP/1.0 404 Not Found", true, 404),
                new Status("HTTP/1.1 103 Early Hints", false, 103), new Status("HTTP/1.1 599 ", false, 599));
    }

    @ParameterizedTest
    @MethodSource("statusLines")
    void parsesStatusLines(Status c) throws Exception {
        assertEquals(new StatusLine(c.http10(), c.code()), StatusLine.parse(c.line()));
    }

    static Stream<String> badStatusLines() {
        return Stream.of("HTTP/2 200 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 99 Low", "HTTP/1.1 099 Low",
                "HTTP/1.1 600 High", "HTTP/1.1 20x OK", "http/1.1 200 OK", "HTTP/1.1  200 OK", "garbage", "");
    }

    @ParameterizedTest
    @MethodSource("badStatusLines")
    void refusesBadStatusLines(String line) {
        assertThrows(BadResponseException.class, () -> StatusLine.parse(line));
    }

    @ParameterizedTest
    @MethodSource("connectionHeaders")
    void connectionTokensAreCollectedCaseInsensitively(String head) throws Exception {
        ResponseFraming framing = ResponseFraming.of("GET", StatusLine.parse("HTTP/1.1 200 OK"), head(head));
        assertEquals(Set.of("x-secret", "keep-alive"), framing.connectionTokens());
    }

    static Stream<String> connectionHeaders() {
        return Stream.of("Connection: keep-alive, X-Secret", "Connection: X-SECRET\r\nConnection: Keep-Alive",
                "Connection: ,x-secret,, keep-alive ,");
    }

    private static Headers head(String lines) throws BadResponseException {
        byte[] bytes = (lines + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[][] left = {bytes};
        DataReader reader = new DataReader(() -> {
            byte[] next = left[0];
            left[0] = null;
            return next;
        });
        return ResponseHeadParser.read(reader, 16 * 1024);
    }
}
