package io.gatehouse.core.proxy;

import io.gatehouse.api.Headers;
import io.helidon.common.buffers.DataReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResponseHeadParserTest {

    private static DataReader reader(String text) {
        byte[][] left = {text.getBytes(StandardCharsets.ISO_8859_1)};
        return new DataReader(() -> {
            byte[] next = left[0];
            left[0] = null;
            return next;
        });
    }

    @Test
    void readsFieldsInOrderWithTheirSpellingTrimmedOfOptionalWhitespace() throws Exception {
        DataReader reader = reader("Content-Type:\t text/plain \r\nX-A: 1\r\nx-a:2\r\nX-Empty:\r\nX-Latin: caf\u00e9\r\n"
                + "\r\nbody");
        Headers headers = ResponseHeadParser.read(reader, 16 * 1024);
        assertEquals(List.of("Content-Type", "X-A", "X-Empty", "X-Latin"), List.copyOf(headers.names()));
        assertEquals("text/plain", headers.first("content-type").orElseThrow());
        assertEquals(List.of("1", "2"), headers.all("X-A"));
        assertEquals("", headers.first("X-Empty").orElseThrow());
        assertEquals("caf\u00e9", headers.first("X-Latin").orElseThrow(), "obs-text is kept byte for byte");
        assertEquals("body", reader.readAsciiString(reader.available()), "the reader stops after the empty line");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "X-A: 1\r\n folded\r\n\r\n",          // obsolete line folding
            " X-A: 1\r\n\r\n",                    // a leading space
            "X-A : 1\r\n\r\n",                    // whitespace before the colon
            "X A: 1\r\n\r\n",                     // a space inside the name
            ": 1\r\n\r\n",                        // an empty name
            "X-A 1\r\n\r\n",                      // no colon
            "X-A: 1\nX-B: 2\r\n\r\n",             // a bare LF
            "X-A: 1\r\r\n\r\n",                   // a bare CR
            "X-A: a\u0000b\r\n\r\n",              // NUL
            "X-A: a\u007fb\r\n\r\n",              // DEL
            "X-A: a\u0001b\r\n\r\n",              // another control character
            "X-\u00e9: 1\r\n\r\n",                // a name outside ASCII
    })
    void refusesWhatAnotherParserCouldReadDifferently(String head) {
        assertThrows(BadResponseException.class, () -> ResponseHeadParser.read(reader(head), 16 * 1024));
    }

    @Test
    void refusesAHeaderBlockOverTheLimitOrWithTooManyFields() throws Exception {
        String big = "X-Big: " + "a".repeat(200) + "\r\n\r\n";
        assertThrows(BadResponseException.class, () -> ResponseHeadParser.read(reader(big), 100));
        assertEquals(1, ResponseHeadParser.read(reader(big), 1024).size());
        // what interim answers took counts: the same block fits alone, not after 900 bytes of them
        assertEquals(1, ResponseHeadParser.read(reader(big), 1024, 100).size());
        assertThrows(BadResponseException.class, () -> ResponseHeadParser.read(reader(big), 1024, 900));
        assertEquals(100 + big.length(), ResponseHeadParser.skip(reader(big), 1024, 100));
        String many = "X-A: 1\r\n".repeat(513) + "\r\n";
        assertThrows(BadResponseException.class, () -> ResponseHeadParser.read(reader(many), 1 << 20));
    }
}
