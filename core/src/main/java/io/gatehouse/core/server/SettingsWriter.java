package io.gatehouse.core.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * Helidon's HTTP/2 connection's writer, which makes the server's first SETTINGS frame announce the
 * {@code server.http2.max_concurrent_streams} a client may keep open, not the larger limit Helidon enforces.
 * Helidon 4.2 counts against its limit the streams whose response has been sent in full but whose handler has not yet
 * removed them, and answers the stream over it with GOAWAY REFUSED_STREAM, a connection error: a client keeping
 * exactly the announced number open (as h2load {@code -m 100} does) had its connection closed under it, though
 * RFC 9113 §5.1.2 counts open streams only. So Helidon is given {@link #enforced(long)} streams, and this writer
 * rewrites that value back to the configured one in the SETTINGS frame on its way out; every other write passes
 * through untouched. Helidon writes each frame, header and payload, in one buffer.
 */
final class SettingsWriter implements DataWriter {

    private static final int FRAME_HEADER = 9;
    private static final int SETTINGS = 0x4;
    private static final int ACK = 0x1;
    private static final int MAX_CONCURRENT_STREAMS = 0x3;

    private final DataWriter writer;
    /** Set once the server's SETTINGS frame has gone out: later writes are not looked at. */
    private volatile boolean sent;

    SettingsWriter(DataWriter writer) {
        this.writer = writer;
    }

    /**
     * @return the streams Helidon is told to allow when {@code advertised} are announced: the slack (as many again,
     *     at least 64 and at most 1024) covers the finished streams Helidon still counts
     */
    static long enforced(long advertised) {
        return advertised + Math.min(Math.max(advertised, 64), 1024);
    }

    /** @return the value {@code enforced} was made from: the inverse of {@link #enforced(long)} */
    static long advertised(long enforced) {
        if (enforced <= 128) {
            return enforced - 64;
        }
        return enforced <= 2048 ? enforced / 2 : enforced - 1024;
    }

    @Override
    public void write(BufferData... buffers) {
        writer.write(rewrite(buffers));
    }

    @Override
    public void write(BufferData buffer) {
        writer.write(rewrite(buffer));
    }

    @Override
    public void writeNow(BufferData... buffers) {
        writer.writeNow(rewrite(buffers));
    }

    @Override
    public void writeNow(BufferData buffer) {
        writer.writeNow(rewrite(buffer));
    }

    private BufferData[] rewrite(BufferData[] buffers) {
        if (!sent) {
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = rewrite(buffers[i]);
            }
        }
        return buffers;
    }

    private BufferData rewrite(BufferData buffer) {
        if (sent || buffer.available() < FRAME_HEADER) {
            return buffer;
        }
        int length = (octet(buffer, 0) << 16) | (octet(buffer, 1) << 8) | octet(buffer, 2);
        boolean connection = (octet(buffer, 5) & 0x7F | octet(buffer, 6) | octet(buffer, 7) | octet(buffer, 8)) == 0;
        if (octet(buffer, 3) != SETTINGS || (octet(buffer, 4) & ACK) != 0 || !connection || length % 6 != 0
                || buffer.available() < FRAME_HEADER + length) {
            return buffer;
        }
        sent = true;
        byte[] frame = buffer.readBytes();
        for (int at = FRAME_HEADER; at + 6 <= FRAME_HEADER + length; at += 6) {
            if (((frame[at] & 0xFF) << 8 | (frame[at + 1] & 0xFF)) == MAX_CONCURRENT_STREAMS) {
                long value = advertised(((frame[at + 2] & 0xFFL) << 24) | ((frame[at + 3] & 0xFF) << 16)
                        | ((frame[at + 4] & 0xFF) << 8) | (frame[at + 5] & 0xFF));
                frame[at + 2] = (byte) (value >>> 24);
                frame[at + 3] = (byte) (value >>> 16);
                frame[at + 4] = (byte) (value >>> 8);
                frame[at + 5] = (byte) value;
            }
        }
        return BufferData.create(frame);
    }

    /** @return the byte at {@code index}, unsigned (Helidon's buffers give it signed) */
    private static int octet(BufferData buffer, int index) {
        return buffer.get(index) & 0xFF;
    }
}
