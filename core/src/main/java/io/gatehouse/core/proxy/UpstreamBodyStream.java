package io.gatehouse.core.proxy;

import io.gatehouse.core.upstream.UpstreamConnection;
import io.helidon.common.buffers.DataReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * An upstream response body read straight from the connection: fixed length, chunked, or until the connection
 * closes. When it ends cleanly the connection goes back to the pool; if it is closed early or breaks, the
 * connection is closed, never reused half-read.
 */
final class UpstreamBodyStream extends InputStream {

    private static final int MAX_CHUNK_LINE = 1024;

    private final UpstreamConnection connection;
    private final DataReader reader;
    private final boolean chunked;
    private final boolean reusable;
    private final boolean untilClose;
    private long remaining;
    private boolean done;

    UpstreamBodyStream(UpstreamConnection connection, long length, boolean chunked, boolean reusable) {
        this.connection = connection;
        this.reader = connection.reader();
        this.chunked = chunked;
        this.reusable = reusable;
        this.untilClose = !chunked && length < 0;
        this.remaining = chunked ? 0 : length;
        if (!chunked && length == 0) {
            finish();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (done) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        try {
            if (chunked && remaining == 0 && !nextChunk()) {
                return -1;
            }
            if (untilClose) {
                return readUntilClose(buffer, offset, length);
            }
            reader.ensureAvailable();
            int n = (int) Math.min(Math.min(length, reader.available()), remaining);
            reader.readBuffer(n).read(buffer, offset, n);
            remaining -= n;
            if (remaining == 0) {
                if (chunked) {
                    reader.skip(2); // CRLF after the chunk's data
                } else {
                    finish();
                }
            }
            return n;
        } catch (DataReader.InsufficientDataAvailableException e) {
            throw broken(new IOException("upstream closed the connection in the middle of the body"));
        } catch (UncheckedIOException e) {
            throw broken(e.getCause());
        } catch (RuntimeException e) {
            throw broken(new IOException("invalid response body: " + e.getMessage(), e));
        }
    }

    private int readUntilClose(byte[] buffer, int offset, int length) {
        try {
            reader.ensureAvailable();
        } catch (DataReader.InsufficientDataAvailableException e) {
            done = true;
            connection.close();
            return -1;
        }
        int n = Math.min(length, reader.available());
        reader.readBuffer(n).read(buffer, offset, n);
        return n;
    }

    /** Reads the next chunk size line; at the last chunk reads the trailers and finishes. */
    private boolean nextChunk() throws IOException {
        String line = readLine();
        int extension = line.indexOf(';');
        String hex = (extension < 0 ? line : line.substring(0, extension)).trim();
        long size;
        try {
            size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("invalid chunk size '" + hex + "'");
        }
        if (size < 0) {
            throw new IOException("invalid chunk size '" + hex + "'");
        }
        if (size == 0) {
            while (!readLine().isEmpty()) {
                // trailers are dropped: the client's response is already under way
            }
            finish();
            return false;
        }
        remaining = size;
        return true;
    }

    private String readLine() throws IOException {
        reader.ensureAvailable();
        int end = reader.findNewLine(MAX_CHUNK_LINE);
        if (end >= MAX_CHUNK_LINE) {
            throw new IOException("chunk line longer than " + MAX_CHUNK_LINE + " bytes");
        }
        String line = reader.readAsciiString(end);
        reader.skip(2);
        return line;
    }

    private void finish() {
        done = true;
        if (reusable) {
            connection.release();
        } else {
            connection.close();
        }
    }

    private IOException broken(IOException cause) {
        if (!done) {
            done = true;
            connection.close();
        }
        return cause;
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            connection.close();
        }
    }
}
