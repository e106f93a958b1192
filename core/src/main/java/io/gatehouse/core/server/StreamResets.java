package io.gatehouse.core.server;

import io.helidon.common.buffers.DataReader;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the streams of one HTTP/2 connection that their client gave up on them. Helidon 4.2 marks a stream the
 * client reset (RST_STREAM) as closed but does not tell the thread serving it, which would go on waiting for the
 * upstream's answer nobody will read, and then count a timeout against the endpoint. This watches the frames the
 * connection reads, as they pass (it parses nothing but the 9-byte frame headers), and interrupts the thread of a
 * stream the client reset, or of every stream when the connection ends: its upstream call is cancelled, counted
 * against no endpoint, and logged as the client's abort (499), as nginx does for a client that closed its connection.
 *
 * <p>A stream registers for the length of its exchange, and stays registered while Helidon ends it (Helidon reads
 * what is left of the request body, and would wait for ever for a reset stream's next bytes); a reset that arrives
 * before its stream registered (both in one read) is remembered for it.
 */
final class StreamResets {

    private static final int PREFACE_LENGTH = 24;
    private static final int HEADER_LENGTH = 9;
    private static final int RST_STREAM = 0x3;
    /** Resets of streams not (yet) being served that are remembered, at most. */
    private static final int EARLY_RESETS = 256;

    /** Threads serving a stream, or finishing one in Helidon (tails: see {@link #done}). */
    private final Map<Integer, Serving> serving = new ConcurrentHashMap<>();
    /** Sweep tails of ended threads beyond this many registrations. */
    private static final int SWEEP_AT = 128;
    private int sweepAt = SWEEP_AT;
    private final Set<Integer> early = ConcurrentHashMap.newKeySet();
    private boolean gone;

    // the frame parser's state: confined to the connection's reading thread
    private int prefaceLeft = PREFACE_LENGTH;
    private final byte[] header = new byte[HEADER_LENGTH];
    private int headerHave;
    private long payloadLeft;

    /**
     * @return a reader of the connection's bytes that shows them to this watcher first
     */
    DataReader watch(DataReader connection) {
        return new DataReader(() -> {
            byte[] bytes;
            try {
                connection.ensureAvailable();
                bytes = connection.readBytes(connection.available());
            } catch (RuntimeException e) {
                connectionEnded();
                throw e;
            }
            seen(bytes, 0, bytes.length);
            return bytes;
        });
    }

    /** Parses frame headers out of the bytes read, in order. */
    void seen(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (prefaceLeft > 0) {
                int n = Math.min(prefaceLeft, end - i);
                prefaceLeft -= n;
                i += n;
            } else if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, end - i);
                payloadLeft -= n;
                i += n;
            } else {
                header[headerHave++] = bytes[i++];
                if (headerHave == HEADER_LENGTH) {
                    headerHave = 0;
                    payloadLeft = ((header[0] & 0xFFL) << 16) | ((header[1] & 0xFFL) << 8) | (header[2] & 0xFFL);
                    if ((header[3] & 0xFF) == RST_STREAM) {
                        reset(((header[5] & 0x7F) << 24) | ((header[6] & 0xFF) << 16) | ((header[7] & 0xFF) << 8)
                                | (header[8] & 0xFF));
                    }
                }
            }
        }
    }

    private synchronized void reset(int stream) {
        Serving entry = serving.remove(stream);
        if (entry != null) {
            entry.thread.interrupt();
        } else if (stream != 0) {
            if (early.size() >= EARLY_RESETS) {
                early.clear();
            }
            early.add(stream);
        }
    }

    /** The connection is over (closed by the client, or broken): every stream's client is gone. */
    synchronized void connectionEnded() {
        gone = true;
        serving.keySet().forEach(this::reset);
    }

    /**
     * The calling thread serves the stream until {@link #done}; it is interrupted if the client resets it.
     *
     * @return whether the client is still there (false: it reset the stream already, or the connection ended)
     */
    synchronized boolean serving(int stream) {
        if (early.remove(stream) || gone) {
            return false;
        }
        if (serving.size() >= sweepAt) {
            serving.values().removeIf(entry -> entry.tail && !entry.thread.isAlive());
            // the next sweep when as many again have registered: a sweep per stream would cost O(streams)
            sweepAt = Math.max(SWEEP_AT, 2 * serving.size());
        }
        serving.put(stream, new Serving(Thread.currentThread(), false));
        return true;
    }

    /** @return whether the client reset the stream while it was being served */
    synchronized boolean wasReset(int stream) {
        Serving entry = serving.get(stream);
        return entry == null || entry.tail;
    }

    /**
     * The stream's exchange is over: no interrupt reaches its thread any more, and one that reached it already is
     * cleared, so Helidon's own ending of the stream runs uninterrupted.
     *
     * @return whether the client reset the stream while it was served
     */
    synchronized boolean done(int stream) {
        Serving entry = serving.get(stream);
        boolean wasReset = entry == null;
        if (wasReset) {
            Thread.interrupted();
        } else {
            // Helidon goes on to read what is left of the request body, and never wakes a reader when the client
            // resets the stream: a reset arriving now still interrupts the thread, which ends that read
            serving.put(stream, new Serving(entry.thread, true));
        }
        return wasReset;
    }

    /** A thread serving a stream; a tail is one past the gateway's handler, in Helidon's ending of the stream. */
    private record Serving(Thread thread, boolean tail) {
    }
}
