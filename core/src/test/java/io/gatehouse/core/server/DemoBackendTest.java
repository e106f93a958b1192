package io.gatehouse.core.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo echo backend answers HEAD without a body (a body there would be a framing error for every proxy). */
class DemoBackendTest {

    @Test
    void headGetsNoBody() throws Exception {
        try (DemoBackend backend = DemoBackend.start("127.0.0.1", 0);
             Socket socket = new Socket("127.0.0.1", backend.port())) {
            socket.getOutputStream().write("HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                assertTrue(b >= 0, "closed before the end of the head: " + head);
                head.write(b);
            }
            assertTrue(head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"), head.toString());
            socket.setSoTimeout(500);
            try {
                int next = in.read();
                assertTrue(next < 0, "a body byte after the head of a HEAD answer");
            } catch (SocketTimeoutException nothingMore) {
                // what a HEAD answer should be followed by
            }
        }
    }
}
