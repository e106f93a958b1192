package io.gatehouse.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/2 client that writes frames by hand, for what well-behaved clients never send: floods of HEADERS and
 * RST_STREAM, streams over the limits. Header blocks are HPACK literals without indexing or Huffman coding (RFC 7541
 * §6.2.2), pseudo-headers with their names indexed. Only frame headers are read back; decoding the gateway's answers is left
 * to real clients ({@code nghttp}).
 */
public final class RawHttp2 implements AutoCloseable {

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int GOAWAY = 0x7;
    public static final int END_STREAM = 0x1;
    public static final int END_HEADERS = 0x4;
    public static final int REFUSED_STREAM = 0x7;
    public static final int CANCEL = 0x8;
    public static final int ENHANCE_YOUR_CALM = 0xb;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A frame read back: its header and payload. */
    public record Frame(int type, int flags, int streamId, byte[] payload) {

        /** For GOAWAY: the error code. */
        public int goAwayError() {
            return ((payload[4] & 0xFF) << 24) | ((payload[5] & 0xFF) << 16) | ((payload[6] & 0xFF) << 8)
                    | (payload[7] & 0xFF);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawHttp2(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Connects with prior knowledge: sends the preface and an empty SETTINGS frame. */
    public static RawHttp2 connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        RawHttp2 client = new RawHttp2(socket);
        client.out.write(PREFACE);
        client.frame(SETTINGS, 0, 0, new byte[0]);
        client.out.flush();
        return client;
    }

    /** Queues a HEADERS frame (END_HEADERS) with the pseudo-headers and then {@code nameValues}. */
    public RawHttp2 headers(int streamId, boolean endStream, String method, String path, String authority,
                            String... nameValues) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        pseudo(block, 2, method);
        pseudo(block, 6, "http");
        pseudo(block, 4, path);
        pseudo(block, 1, authority);
        for (int i = 0; i < nameValues.length; i += 2) {
            literal(block, nameValues[i], nameValues[i + 1]);
        }
        return frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, block.toByteArray());
    }

    public RawHttp2 data(int streamId, boolean endStream, byte[] bytes) throws IOException {
        return frame(DATA, endStream ? END_STREAM : 0, streamId, bytes);
    }

    public RawHttp2 rstStream(int streamId, int errorCode) throws IOException {
        return frame(RST_STREAM, 0, streamId, new byte[]{(byte) (errorCode >>> 24), (byte) (errorCode >>> 16),
                (byte) (errorCode >>> 8), (byte) errorCode});
    }

    /** Queues a frame; {@link #flush()} sends what is queued. */
    public RawHttp2 frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        int length = payload.length;
        out.write(new byte[]{(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
                (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId});
        out.write(payload);
        return this;
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** @return the next frame, or {@code null} when the gateway closed the connection */
    public Frame read() throws IOException {
        byte[] header = new byte[9];
        try {
            in.readFully(header);
        } catch (EOFException | SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            return null; // reset by the gateway: closed too
        }
        int length = ((header[0] & 0xFF) << 16) | ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
        byte[] payload = new byte[length];
        in.readFully(payload);
        int streamId = ((header[5] & 0x7F) << 24) | ((header[6] & 0xFF) << 16) | ((header[7] & 0xFF) << 8)
                | (header[8] & 0xFF);
        return new Frame(header[3] & 0xFF, header[4] & 0xFF, streamId, payload);
    }

    /** Reads frames until a GOAWAY, answering nothing: @return it, or {@code null} if the connection closed first */
    public Frame awaitGoAway() throws IOException {
        for (Frame frame; (frame = read()) != null; ) {
            if (frame.type() == GOAWAY) {
                return frame;
            }
        }
        return null;
    }

    /** A pseudo-header, named by its static table index (RFC 7541 Appendix A) as some decoders insist. */
    private static void pseudo(ByteArrayOutputStream block, int nameIndex, String value) {
        block.write(nameIndex); // literal header field without indexing, indexed name (4-bit prefix)
        string(block, value);
    }

    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0x00); // literal header field without indexing, new name
        string(block, name);
        string(block, value);
    }

    private static void string(ByteArrayOutputStream block, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        integer(block, bytes.length);
        block.writeBytes(bytes);
    }

    /** An HPACK integer with a 7-bit prefix and the Huffman bit clear (RFC 7541 §5.1). */
    private static void integer(ByteArrayOutputStream block, int value) {
        if (value < 127) {
            block.write(value);
            return;
        }
        block.write(127);
        value -= 127;
        while (value >= 128) {
            block.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        block.write(value);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
