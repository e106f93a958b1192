package io.gatehouse.core.wire;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HeadBytesTest {

    @Test
    void writesLatin1AndNumbers() {
        HeadBytes head = new HeadBytes();
        head.append("GET / HTTP/1.1").crlf().field("X-Name", "caf\u00e9").append("Content-Length: ")
                .append(0L).crlf().append("N: ").append(9_223_372_036_854_775_807L).crlf().append(-42L).crlf();
        assertEquals("GET / HTTP/1.1\r\nX-Name: caf\u00e9\r\nContent-Length: 0\r\nN: 9223372036854775807\r\n-42\r\n",
                head.toString());
        assertEquals(head.toString().length(), head.data().available());
    }

    @Test
    void aCharacterAboveLatin1IsAQuestionMarkNeverItsLowByte() {
        // U+010A's low byte is LF, U+010D's is CR: written as themselves they would split the header
        HeadBytes head = new HeadBytes().field("X-Evil", "a\u010Ab\u010Dc\u4e2d");
        byte[] expected = "X-Evil: a?b?c?\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] written = new byte[head.length()];
        head.data().read(written);
        assertArrayEquals(expected, written);
    }

    @Test
    void growsForALargeHeadAndLetsTheRoomGoOnReset() throws IOException {
        HeadBytes head = new HeadBytes();
        String big = "v".repeat(20_000);
        head.field("X-Big", big);
        assertEquals(20_000 + "X-Big: \r\n".length(), head.length());
        head.reset().append("HTTP/1.1 200 OK").crlf().crlf();
        assertEquals("HTTP/1.1 200 OK\r\n\r\n", head.toString());
        int read = head.readFrom(new ByteArrayInputStream("hello".getBytes(StandardCharsets.US_ASCII)), 10);
        assertEquals(5, read);
        assertEquals("HTTP/1.1 200 OK\r\n\r\nhello", head.toString());
    }
}
