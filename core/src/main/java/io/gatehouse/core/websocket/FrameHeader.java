package io.gatehouse.core.websocket;

import io.helidon.common.buffers.DataReader;

/**
 * The header of one WebSocket frame (RFC 6455 §5.2), as read off the wire. The header's own bytes are kept, so the
 * frame is forwarded exactly as it came, mask included; only the payload follows, streamed.
 *
 * @param fin     whether this is the last frame of its message
 * @param rsv     the three reserved bits (RSV1 is 4, RSV2 2, RSV3 1)
 * @param opcode  the opcode
 * @param masked  whether the payload is masked
 * @param mask    the masking key, when masked
 * @param length  the payload length
 * @param raw     the header bytes as received
 */
record FrameHeader(boolean fin, int rsv, int opcode, boolean masked, byte[] mask, long length, byte[] raw) {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** The longest header: 2 bytes, an 8-byte length and a 4-byte mask. */
    static final int MAX_LENGTH = 14;

    /**
     * Reads the next header, waiting for its bytes.
     *
     * @throws DataReader.InsufficientDataAvailableException when the peer closed the connection
     */
    static FrameHeader read(DataReader reader) {
        byte[] first = reader.readBytes(2);
        int b0 = first[0] & 0xFF;
        int b1 = first[1] & 0xFF;
        boolean masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        int restLength = extended + (masked ? 4 : 0);
        // an unmasked frame of up to 125 bytes has no more header: asking for 0 bytes would wait for the next read
        byte[] rest = restLength == 0 ? new byte[0] : reader.readBytes(restLength);
        long length = len7;
        if (extended > 0) {
            length = 0;
            for (int i = 0; i < extended; i++) {
                length = (length << 8) | (rest[i] & 0xFF);
            }
        }
        byte[] mask = null;
        if (masked) {
            mask = new byte[4];
            System.arraycopy(rest, extended, mask, 0, 4);
        }
        byte[] raw = new byte[2 + rest.length];
        raw[0] = first[0];
        raw[1] = first[1];
        System.arraycopy(rest, 0, raw, 2, rest.length);
        return new FrameHeader((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0x0F, masked, mask, length, raw);
    }

    boolean control() {
        return (opcode & 0x8) != 0;
    }

    /** @return the payload with its mask removed (for inspecting a control frame; the frame goes on as it was) */
    byte[] unmask(byte[] payload) {
        if (!masked) {
            return payload;
        }
        byte[] plain = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            plain[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return plain;
    }

    /**
     * Encodes a whole frame the gateway makes itself (a close frame): masked with {@code mask} when given (toward an
     * upstream, RFC 6455 §5.3), unmasked otherwise (toward a client).
     */
    static byte[] encode(int opcode, byte[] payload, byte[] mask) {
        int extended = payload.length <= 125 ? 0 : payload.length <= 0xFFFF ? 2 : 8;
        int headerLength = 2 + extended + (mask == null ? 0 : 4);
        byte[] frame = new byte[headerLength + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        int len7 = extended == 0 ? payload.length : extended == 2 ? 126 : 127;
        frame[1] = (byte) ((mask == null ? 0 : 0x80) | len7);
        for (int i = 0; i < extended; i++) {
            frame[2 + i] = (byte) ((long) payload.length >>> (8 * (extended - 1 - i)));
        }
        if (mask != null) {
            System.arraycopy(mask, 0, frame, 2 + extended, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            frame[headerLength + i] = mask == null ? payload[i] : (byte) (payload[i] ^ mask[i & 3]);
        }
        return frame;
    }
}
