package io.gatehouse.core.server;

import io.gatehouse.api.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The framing decision for every Transfer-Encoding / Content-Length combination (RFC 9112 §6.1, §6.3). */
class RequestFramingTest {

    /**
     * @param expected the body length, -1 for chunked, or the status of the refusal as a negative number below
     *                 -1 (e.g. -400)
     */
    record Case(String desc, boolean http10, long expected, String... headers) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no framing headers", false, 0),
                new Case("CL 5", false, 5, "Content-Length", "5"),
                new Case("CL 0", false, 0, "Content-Length", "0"),
                new Case("CL with leading zeros", false, 5, "Content-Length", "005"),
                new Case("equal CLs in two headers", false, 5, "Content-Length", "5", "Content-Length", "5"),
                new Case("equal CLs in a list", false, 5, "Content-Length", "5, 5"),
                new Case("different CLs", false, -400, "Content-Length", "5", "Content-Length", "6"),
                new Case("CL +5", false, -400, "Content-Length", "+5"),
                new Case("CL -1", false, -400, "Content-Length", "-1"),
                new Case("CL empty", false, -400, "Content-Length", ""),
                new Case("CL 19 digits", false, -400, "Content-Length", "1234567890123456789"),
                new Case("CL over the limit", false, -413, "Content-Length", "1001"),
                new Case("chunked", false, -1, "Transfer-Encoding", "chunked"),
                new Case("CHUNKED", false, -1, "Transfer-Encoding", "CHUNKED"),
                new Case("chunked with OWS", false, -1, "Transfer-Encoding", "chunked "),
                new Case("TE and CL", false, -400, "Transfer-Encoding", "chunked", "Content-Length", "5"),
                new Case("TE in HTTP/1.0", true, -400, "Transfer-Encoding", "chunked"),
                new Case("gzip", false, -400, "Transfer-Encoding", "gzip"),
                new Case("gzip, chunked", false, -501, "Transfer-Encoding", "gzip, chunked"),
                new Case("gzip then chunked headers", false, -501, "Transfer-Encoding", "gzip",
                        "Transfer-Encoding", "chunked"),
                new Case("chunked, gzip", false, -400, "Transfer-Encoding", "chunked, gzip"),
                new Case("chunked, chunked", false, -400, "Transfer-Encoding", "chunked, chunked"),
                new Case("chunked;a=b", false, -400, "Transfer-Encoding", "chunked;a=b"),
                new Case("xchunked", false, -400, "Transfer-Encoding", "xchunked"),
                new Case("trailing comma", false, -400, "Transfer-Encoding", "chunked,"),
                new Case("CL in HTTP/1.0", true, 3, "Content-Length", "3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void framing(Case c) {
        Headers headers = new Headers();
        for (int i = 0; i < c.headers().length; i += 2) {
            headers.add(c.headers()[i], c.headers()[i + 1]);
        }
        RequestHead head = new RequestHead("POST", "/", "", c.http10(), headers, 0);
        if (c.expected() < -1) {
            WireException e = assertThrows(WireException.class, () -> RequestFraming.of(head, 1000));
            assertEquals(-c.expected(), e.status());
        } else {
            assertEquals(c.expected(), RequestFraming.of(head, 1000).length());
        }
    }
}
