package io.gatehouse.core.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/** Close frames (RFC 6455 §5.5.1, §7.4): the ones the gateway sends, and the check of the ones it forwards. */
final class CloseFrame {

    static final int NORMAL = 1000;
    static final int GOING_AWAY = 1001;
    static final int PROTOCOL_ERROR = 1002;
    static final int TOO_BIG = 1009;
    static final int INTERNAL_ERROR = 1011;

    private static final SecureRandom RANDOM = new SecureRandom();

    private CloseFrame() {
    }

    /**
     * A close frame with a code and a reason (cut to fit the 125-byte control frame).
     *
     * @param masked whether it goes to an upstream (masked with a fresh random key) rather than to a client
     */
    static byte[] of(int code, String reason, boolean masked) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        while (length > 0 && length < text.length && (text[length] & 0xC0) == 0x80) {
            length--; // never cut a UTF-8 sequence in two
        }
        byte[] payload = new byte[2 + length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, length);
        byte[] mask = null;
        if (masked) {
            mask = new byte[4];
            RANDOM.nextBytes(mask);
        }
        return FrameHeader.encode(FrameHeader.CLOSE, payload, mask);
    }

    /**
     * @param payload an unmasked close payload
     * @return why the payload is not a valid close payload, or {@code null}: empty, or a code that may be sent
     *         followed by UTF-8 text
     */
    static String problem(byte[] payload) {
        if (payload.length == 0) {
            return null;
        }
        if (payload.length == 1) {
            return "a close frame with a one-byte payload";
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        boolean sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
        if (!sendable) {
            return "close code " + code + " may not be sent";
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload, 2, payload.length - 2));
        } catch (CharacterCodingException e) {
            return "a close reason that is not UTF-8";
        }
        return null;
    }
}
