package io.gatehouse.bench.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseReaderTest {

    /** Hands out at most {@code step} bytes per read, as a socket may. */
    private static InputStream stream(String text, int step) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static ResponseReader reader(String text, int step) {
        ResponseReader reader = new ResponseReader(256);
        reader.reset(stream(text, step));
        return reader;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 1000})
    void readsContentLengthBodiesBackToBack(int step) throws IOException {
        String body = "x".repeat(1000); // longer than the buffer
        ResponseReader reader = reader("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nServer: t\r\n\r\n" + body
                + "HTTP/1.1 404 Not Found\r\ncontent-length:  5 \r\n\r\nnope!"
                + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", step);

        assertEquals(200, reader.read());
        assertEquals(1000, reader.bodyBytes());
        assertFalse(reader.close());
        assertEquals(404, reader.read());
        assertEquals(5, reader.bodyBytes());
        assertEquals(200, reader.read());
        assertEquals(0, reader.bodyBytes());
        EOFException end = assertThrows(EOFException.class, reader::read);
        assertFalse(reader.started(), end.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 1000})
    void readsChunkedBodiesWithExtensionsAndTrailers(int step) throws IOException {
        String chunk = "y".repeat(300);
        ResponseReader reader = reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
                + "5\r\nhello\r\n12c;name=value\r\n" + chunk + "\r\n0\r\nX-Trailer: t\r\n\r\n"
                + "HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\nConnection: close\r\n\r\n"
                + "A\r\n0123456789\r\n0\r\n\r\n", step);

        assertEquals(200, reader.read());
        assertEquals(5 + 300, reader.bodyBytes());
        assertFalse(reader.close());
        assertEquals(201, reader.read());
        assertEquals(10, reader.bodyBytes());
        assertTrue(reader.close());
    }

    @Test
    void acceptsBareLineFeeds() throws IOException {
        ResponseReader reader = reader("HTTP/1.1 200 OK\nContent-Length: 3\n\nabc", 1000);
        assertEquals(200, reader.read());
        assertEquals(3, reader.bodyBytes());
    }

    @Test
    void skipsInterimResponsesAndKnowsBodilessOnes() throws IOException {
        ResponseReader reader = reader("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n" // to a HEAD: no body
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 4);

        assertEquals(204, reader.read());
        assertEquals(304, reader.read());
        assertEquals(200, reader.read(true));
        assertEquals(0, reader.bodyBytes());
        assertEquals(200, reader.read());
        assertEquals(2, reader.bodyBytes());
    }

    @Test
    void aBodyWithoutLengthRunsToTheEndAndClosesTheConnection() throws IOException {
        ResponseReader reader = reader("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + "z".repeat(700), 50);
        assertEquals(200, reader.read());
        assertEquals(700, reader.bodyBytes());
        assertTrue(reader.close());
    }

    @Test
    void http10ClosesUnlessKeptAlive() throws IOException {
        ResponseReader reader = reader("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\n1"
                + "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n2", 1000);
        assertEquals(200, reader.read());
        assertFalse(reader.close());
        assertEquals(200, reader.read());
        assertTrue(reader.close());
    }

    @Test
    void aResponseCutShortIsAnEofAfterItStarted() {
        ResponseReader reader = reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 1000);
        EOFException e = assertThrows(EOFException.class, reader::read);
        assertTrue(reader.started(), e.getMessage());
    }

    @Test
    void rejectsWhatIsNotHttp1() {
        assertThrows(IOException.class, () -> reader("SSH-2.0-OpenSSH_9.2\r\n\r\n", 1000).read());
        assertThrows(IOException.class, () -> reader("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 1000).read());
        assertThrows(IOException.class,
                () -> reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 1000).read());
    }

    @Test
    void aHeaderLineLongerThanTheBufferIsAnError() {
        IOException e = assertThrows(IOException.class,
                () -> reader("HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(300) + "\r\n\r\n", 1000).read());
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }
}
