package io.gatehouse.core.server;

import io.gatehouse.api.GatewayException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body without a declared length (chunked), cut at the body limit with a 413. A body with a declared
 * length over the limit is refused before any of it is read, so this only guards streams of unknown length.
 */
final class LimitedInputStream extends FilterInputStream {

    private static final long DRAIN_CAP = 64L * 1024 * 1024;
    private static final long DRAIN_NANOS = 5_000_000_000L;

    private final long limit;
    private long count;
    private boolean exceeded;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count += n;
            if (count > limit) {
                exceeded = true;
                throw new GatewayException(413, "body_too_large",
                        "request body is larger than the limit of " + limit + " bytes");
            }
        }
        return n;
    }

    boolean exceeded() {
        return exceeded;
    }

    /**
     * Reads and drops what the client is still sending (up to a cap and a few seconds), so that the 413 reaches
     * a client that writes its whole body before reading, instead of a connection reset.
     */
    void drain() {
        long deadline = System.nanoTime() + DRAIN_NANOS;
        long drained = 0;
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; drained < DRAIN_CAP && System.nanoTime() < deadline && (n = in.read(buffer)) != -1; ) {
                drained += n;
            }
        } catch (IOException | RuntimeException ignored) {
            // the client went away: nothing left to drain
        }
    }

    @Override
    public long skip(long n) throws IOException {
        return read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192));
    }
}
