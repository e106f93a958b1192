package io.gatehouse.core.proxy;

import io.helidon.common.buffers.DataReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Function;

/**
 * Decodes a chunked body (RFC 9112 section 7.1) from a reader, strictly, for both directions: upstream responses
 * and client requests. A chunk size is 1*HEXDIG (at most 15), optionally followed by whitespace and extensions,
 * which are accepted and dropped; chunk data must be followed by CRLF; lines end with CRLF, never a bare CR or LF;
 * trailer fields are read, checked to be {@code name:value} lines, and dropped (the gateway re-frames the body)
 * within a size limit. Anything else is the caller's "malformed" exception: a lenient reading could end the body
 * somewhere other than where its sender meant.
 *
 * <p>The reader's own exceptions (end of data, I/O errors) pass through unchanged.
 *
 * @param <E> what a malformed body is to the caller
 */
public final class ChunkedDecoder<E extends IOException> {

    private static final int MAX_SIZE_LINE = 1024;
    private static final int MAX_SIZE_DIGITS = 15;
    private static final int UPSTREAM_MAX_TRAILERS = 16 * 1024;

    private final DataReader reader;
    private final int maxTrailers;
    private final Function<String, E> malformed;
    private long remaining;
    private boolean dataEnded;
    private boolean ended;

    /**
     * @param maxTrailers the largest trailer section accepted, in bytes
     * @param malformed   makes the exception for a malformed body from what was wrong
     */
    public ChunkedDecoder(DataReader reader, int maxTrailers, Function<String, E> malformed) {
        this.reader = reader;
        this.maxTrailers = maxTrailers;
        this.malformed = malformed;
    }

    /** A decoder of an upstream's response body: malformed is a {@link BadResponseException}. */
    static ChunkedDecoder<BadResponseException> upstream(DataReader reader) {
        return new ChunkedDecoder<>(reader, UPSTREAM_MAX_TRAILERS, BadResponseException::new);
    }

    /**
     * Reads body bytes; blocks only when the reader has none to give.
     *
     * @return the number of bytes read, or -1 once the last chunk and the trailers have been read
     */
    public int read(byte[] buffer, int offset, int length) throws E {
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
    byte[] readAll() throws E {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = read(buffer, 0, buffer.length)) != -1; ) {
            body.write(buffer, 0, n);
        }
        return body.toByteArray();
    }

    /** Reads the next chunk's size line; at the last chunk reads the trailers. */
    private boolean nextChunk() throws E {
        if (dataEnded) {
            if (reader.read() != '\r' || reader.read() != '\n') {
                throw malformed.apply("chunk data is not followed by CRLF");
            }
            dataEnded = false;
        }
        long size = chunkSize(line(MAX_SIZE_LINE, "chunk size line"));
        if (size == 0) {
            skipTrailers();
            return false;
        }
        remaining = size;
        return true;
    }

    private void skipTrailers() throws E {
        int left = maxTrailers;
        for (String line; !(line = line(left + 2, "trailer section")).isEmpty(); ) {
            left -= line.length() + 2;
            if (left < 0) {
                throw malformed.apply("trailer section longer than " + maxTrailers + " bytes");
            }
            int colon = line.indexOf(':');
            for (int i = 0; i < Math.max(colon, 0); i++) {
                char c = line.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    colon = -1;
                }
            }
            if (colon <= 0) {
                throw malformed.apply("malformed trailer field " + BadResponseException.quote(line));
            }
        }
    }

    /** One CRLF-ended line without its CRLF; a bare CR or LF, or a line over {@code max}, is malformed. */
    private String line(int max, String what) throws E {
        int end;
        try {
            end = reader.findNewLine(max);
        } catch (DataReader.IncorrectNewLineException e) {
            throw malformed.apply(what + " ends with a bare CR or LF");
        }
        if (end >= max) {
            throw malformed.apply(what + " longer than " + max + " bytes");
        }
        String line = reader.readAsciiString(end);
        reader.skip(2);
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw malformed.apply(what + " holds a bare CR or LF");
        }
        return line;
    }

    /**
     * The size in a chunk size line: 1*HEXDIG, then optional whitespace and {@code ;extensions}, which are ignored
     * but may hold no control character.
     */
    private long chunkSize(String line) throws E {
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
            throw malformed.apply("invalid chunk size line " + BadResponseException.quote(line));
        }
        int i = digits;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        if (i < line.length() && line.charAt(i) != ';') {
            throw malformed.apply("invalid chunk size line " + BadResponseException.quote(line));
        }
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw malformed.apply("control character in chunk extension " + BadResponseException.quote(line));
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
