package io.gatehouse.core.proxy;

import io.helidon.common.buffers.DataReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Chunked bodies as the gateway reads them from an upstream: exactly, or not at all. */
class ChunkedDecoderTest {

    /** A body and what is left after it. */
    record Decoded(String desc, String wire, String body, int leftover) {
        @Override
        public String toString() {
            return desc;
        }
    }

    record Refused(String desc, String wire) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Decoded> decoded() {
        return Stream.of(
                new Decoded("one chunk", "5\r\nhello\r\n0\r\n\r\n", "hello", 0),
                new Decoded("two chunks, upper-case hex", "2\r\nhe\r\nA\r\nllo world\n\r\n0\r\n\r\n",
                        "hello world\n", 0),
                new Decoded("empty body", "0\r\n\r\n", "", 0),
                new Decoded("extensions and whitespace before them", "5 ;a=b\r\nhello\r\n0;x\r\n\r\n", "hello", 0),
                new Decoded("whitespace after the size", "5\t\r\nhello\r\n0 \r\n\r\n", "hello", 0),
                new Decoded("leading zeros", "0005\r\nhello\r\n000\r\n\r\n", "hello", 0),
                new Decoded("trailers dropped", "5\r\nhello\r\n0\r\nX-Sum: 1\r\nX-B: 2\r\n\r\n", "hello", 0),
                new Decoded("stops at its end", "5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n", "hello", 17));
    }

    @ParameterizedTest
    @MethodSource("decoded")
    void decodes(Decoded c) throws Exception {
        DataReader reader = reader(c.wire());
        assertEquals(c.body(), new String(ChunkedDecoder.upstream(reader).readAll(), StandardCharsets.ISO_8859_1));
        assertEquals(c.leftover(), reader.available());
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("letters", "zz\r\nhello\r\n0\r\n\r\n"),
                new Refused("empty size", "\r\nhello\r\n0\r\n\r\n"),
                new Refused("plus sign", "+5\r\nhello\r\n0\r\n\r\n"),
                new Refused("minus sign", "-5\r\nhello\r\n0\r\n\r\n"),
                new Refused("0x prefix", "0x5\r\nhello\r\n0\r\n\r\n"),
                new Refused("leading space", " 5\r\nhello\r\n0\r\n\r\n"),
                new Refused("garbage after the size", "5 5\r\nhello\r\n0\r\n\r\n"),
                new Refused("overflow", "10000000000000005\r\nhello\r\n0\r\n\r\n"),
                new Refused("control character in an extension", "5;a\u0001\r\nhello\r\n0\r\n\r\n"),
                new Refused("data longer than its size", "3\r\nhello\r\n0\r\n\r\n"),
                new Refused("data without CRLF", "5\r\nhelloXX0\r\n\r\n"),
                new Refused("size line too long", "5;" + "x".repeat(2000) + "\r\nhello\r\n0\r\n\r\n"),
                new Refused("trailers too large", "0\r\n" + ("X-Pad: " + "p".repeat(1000) + "\r\n").repeat(20)
                        + "\r\n"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refuses(Refused c) {
        assertThrows(BadResponseException.class, () -> ChunkedDecoder.upstream(reader(c.wire())).readAll());
    }

    @ParameterizedTest
    @MethodSource("incomplete")
    void anIncompleteBodyAsksForMoreData(String wire) {
        assertThrows(DataReader.InsufficientDataAvailableException.class,
                () -> ChunkedDecoder.upstream(reader(wire)).readAll());
    }

    static Stream<String> incomplete() {
        return Stream.of("5\r\nhel", "5\r\nhello", "5\r\nhello\r\n", "5\r\nhello\r\n0\r\n", "5\r\nhello\r\n0\r\nX: 1\r\n",
                "5");
    }

    private static DataReader reader(String wire) {
        byte[][] left = {wire.getBytes(StandardCharsets.ISO_8859_1)};
        return new DataReader(() -> {
            byte[] next = left[0];
            left[0] = null;
            return next;
        });
    }
}
