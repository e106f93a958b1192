package io.gatehouse.core.proxy;

import io.helidon.common.buffers.DataReader;

import java.io.ByteArrayOutputStream;

/**
 * Decodes a chunked body (RFC 9112 section 7.1) from a reader, strictly: a chunk size is 1*HEXDIG, optionally
 * followed by whitespace and extensions; chunk data must be followed by CRLF; trailers are read and dropped (the
 * client's response is re-framed by the gateway) within a size limit. Anything else is a
 * {@link BadResponseException}: a lenient reading could end the body somewhere other than where the upstream meant.
 *
 * <p>The reader's own exceptions (end of data, I/O errors, a bare LF) pass through unchanged.
 */
final class ChunkedDecoder {

    private static final int MAX_SIZE_LINE = 1024;
    private static final int MAX_TRAILERS = 16 * 1024;
    private static final int MAX_SIZE_DIGITS = 15;

    private final DataReader reader;
    private long remaining;
    private boolean dataEnded;
    private boolean ended;

    ChunkedDecoder(DataReader reader) {
        this.reader = reader;
    }

    /**
     * Reads body bytes; blocks only when the reader has none to give.
     *
     * @return the number of bytes read, or -1 once the last chunk and the trailers have been read
     */
    int read(byte[] buffer, int offset, int length) throws BadResponseException {
        if (ended) {
            return -1;
        }
        if (remaining == 0 && !nextChunk()) {
            ended = true;
            return -1;
        }
        reader.ensureAvailable();
        int n = (int) Math.min(Math.min(length, reader.available()), remaining);
        reader.readBuffer(n).read(buffer, offset, n);
        remaining -= n;
        // the CRLF after the data is checked on the next read, so that the data need not wait for it
        dataEnded = remaining == 0;
        return n;
    }

    /** Reads the rest of the body into memory (for a body already received whole). */
    byte[] readAll() throws BadResponseException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = read(buffer, 0, buffer.length)) != -1; ) {
            body.write(buffer, 0, n);
        }
        return body.toByteArray();
    }

    /** Reads the next chunk's size line; at the last chunk reads the trailers. */
    private boolean nextChunk() throws BadResponseException {
        if (dataEnded) {
            if (reader.read() != '\r' || reader.read() != '\n') {
                throw new BadResponseException("chunk data is not followed by CRLF");
            }
            dataEnded = false;
        }
        long size = chunkSize(ResponseReader.line(reader, MAX_SIZE_LINE, "chunk size line"));
        if (size == 0) {
            skipTrailers();
            return false;
        }
        remaining = size;
        return true;
    }

    private void skipTrailers() throws BadResponseException {
        int left = MAX_TRAILERS;
        for (String line; !(line = ResponseReader.line(reader, left, "trailer section")).isEmpty(); ) {
            left -= line.length() + 2;
            if (left <= 0) {
                throw new BadResponseException("trailer section longer than " + MAX_TRAILERS + " bytes");
            }
        }
    }

    /**
     * The size in a chunk size line: 1*HEXDIG, then optional whitespace and {@code ;extensions}, which are ignored
     * but may hold no control character.
     */
    static long chunkSize(String line) throws BadResponseException {
        int digits = 0;
        long size = 0;
        while (digits < line.length()) {
            int value = hexValue(line.charAt(digits));
            if (value < 0) {
                break;
            }
            size = (size << 4) | value;
            digits++;
        }
        if (digits == 0 || digits > MAX_SIZE_DIGITS) {
            throw new BadResponseException("invalid chunk size line " + BadResponseException.quote(line));
        }
        int i = digits;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        if (i < line.length() && line.charAt(i) != ';') {
            throw new BadResponseException("invalid chunk size line " + BadResponseException.quote(line));
        }
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new BadResponseException("control character in chunk extension "
                        + BadResponseException.quote(line));
            }
        }
        return size;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
