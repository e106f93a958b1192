package io.gatehouse.plugins.grpc;

import java.io.IOException;
import java.io.InputStream;

/** An input stream made of chunks produced one at a time: a read returns what is left of the current chunk. */
abstract class ChunkedInput extends InputStream {

    private byte[] current = new byte[0];
    private int position;

    /** @return the next chunk (possibly empty), or {@code null} at the end */
    protected abstract byte[] nextChunk() throws IOException;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == current.length) {
            byte[] next = nextChunk();
            if (next == null) {
                return -1;
            }
            current = next;
            position = 0;
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }
}
