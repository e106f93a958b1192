package io.gatehouse.core.websocket;

/**
 * What one direction of a tunnel may send (RFC 6455 §5): checked on each frame's header before any of it is
 * forwarded. Not thread-safe: one per direction, used by the thread reading that direction.
 */
final class FrameRules {

    /** A frame the tunnel refuses: the close code both sides get, and why. */
    record Violation(int code, String reason) {
    }

    private final boolean fromClient;
    private final boolean deflate;
    private final long maxMessageSize;
    private boolean inMessage;
    private long messageBytes;

    /**
     * @param fromClient     whether the frames come from the client (they must be masked) or the upstream (they
     *                       must not be)
     * @param deflate        whether {@code permessage-deflate} was negotiated (then RSV1 may mark a compressed
     *                       message)
     * @param maxMessageSize the largest message, all fragments together, in payload bytes as sent
     */
    FrameRules(boolean fromClient, boolean deflate, long maxMessageSize) {
        this.fromClient = fromClient;
        this.deflate = deflate;
        this.maxMessageSize = maxMessageSize;
    }

    /** @return why the frame is refused, or {@code null} when it may be forwarded */
    Violation check(FrameHeader frame) {
        if (frame.masked() != fromClient) {
            return protocol(fromClient ? "an unmasked frame from the client" : "a masked frame from the server");
        }
        if (frame.length() < 0) {
            return protocol("a frame length with its most significant bit set");
        }
        int opcode = frame.opcode();
        if (frame.control()) {
            if (opcode != FrameHeader.CLOSE && opcode != FrameHeader.PING && opcode != FrameHeader.PONG) {
                return protocol("unknown opcode " + opcode);
            }
            if (!frame.fin()) {
                return protocol("a fragmented control frame");
            }
            if (frame.length() > 125) {
                return protocol("a control frame longer than 125 bytes");
            }
            if (frame.rsv() != 0) {
                return protocol("reserved bits set on a control frame");
            }
            return null;
        }
        if (opcode != FrameHeader.CONTINUATION && opcode != FrameHeader.TEXT && opcode != FrameHeader.BINARY) {
            return protocol("unknown opcode " + opcode);
        }
        boolean continuation = opcode == FrameHeader.CONTINUATION;
        if (continuation != inMessage) {
            return protocol(continuation ? "a continuation frame outside a message"
                    : "a new message before the last one ended");
        }
        // RSV1 marks a compressed message, on its first frame only (RFC 7692 §6); RSV2 and RSV3 have no use here
        if ((frame.rsv() & 0b011) != 0 || ((frame.rsv() & 0b100) != 0 && (!deflate || continuation))) {
            return protocol("reserved bits set that no extension negotiated");
        }
        long total = (continuation ? messageBytes : 0) + frame.length();
        if (total > maxMessageSize) {
            return new Violation(CloseFrame.TOO_BIG, "message larger than " + maxMessageSize + " bytes");
        }
        messageBytes = total;
        inMessage = !frame.fin();
        return null;
    }

    private static Violation protocol(String reason) {
        return new Violation(CloseFrame.PROTOCOL_ERROR, reason);
    }
}
