package io.gatehouse.core.websocket;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket peer on a raw socket, for the inputs a real client or server never sends: it writes any head and any
 * frame (masked or not, any opcode and bits) and reads heads and frames as they arrive.
 */
final class RawWebSocket implements AutoCloseable {

    /** A frame as received. */
    record Frame(int b0, int opcode, boolean masked, byte[] payload) {
        boolean fin() {
            return (b0 & 0x80) != 0;
        }

        int rsv() {
            return (b0 >> 4) & 7;
        }

        int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        String closeReason() {
            return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(15_000);
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawWebSocket connect(int port) throws IOException {
        return new RawWebSocket(new Socket("127.0.0.1", port));
    }

    /** A handshake request for {@code path} with a valid key, plus {@code extra} header lines. */
    static String handshake(String path, String... extra) {
        StringBuilder text = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        boolean version = false;
        for (String line : extra) {
            text.append(line).append("\r\n");
            version |= line.toLowerCase().startsWith("sec-websocket-version");
        }
        if (!version) {
            text.append("Sec-WebSocket-Version: 13\r\n");
        }
        return text.append("\r\n").toString();
    }

    RawWebSocket send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    RawWebSocket send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** @return the head up to its blank line, as text */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed in the head: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** @return the body of {@code length} bytes */
    String readBody(int length) throws IOException {
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        boolean masked = (b1 & 0x80) != 0;
        byte[] mask = masked ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes((int) length);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new Frame(b0, b0 & 0x0F, masked, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** @return whether the peer closed the connection (end of stream or reset) before sending anything more */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** A frame with any first byte (FIN, RSV bits, opcode), masked with a random key or not. */
    static byte[] frame(int b0, byte[] payload, boolean masked) {
        byte[] mask = null;
        if (masked) {
            mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
        }
        byte[] frame = FrameHeader.encode(0, payload, mask);
        frame[0] = (byte) b0;
        return frame;
    }

    static byte[] close(int code, String reason, boolean masked) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return frame(0x88, payload, masked);
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
