package io.gatehouse.bench.loadgen;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads HTTP/1.1 responses off one connection into a buffer it reuses, without allocating: the status line, the
 * headers it needs ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}), and the whole body, which
 * it reads and drops: by {@code Content-Length}, chunk by chunk (trailers included), or up to the end of the stream
 * when the response has neither. Interim 1xx responses are read and skipped. Lines may end in CRLF or a bare LF.
 *
 * <p>{@link #read} throws {@link EOFException} when the stream ends before a response is complete
 * ({@link #started()} says whether any byte of it had arrived) and {@link IOException} when the response is not
 * HTTP/1.x. Not thread-safe: one per connection.
 */
final class ResponseReader {

    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION = "connection".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "keep-alive".getBytes(StandardCharsets.US_ASCII);

    private final byte[] buf;
    private InputStream in;
    private int pos;
    private int limit;
    /** Set by {@link #line()}: the line is {@code buf[lineStart, lineEnd)}, its CR/LF left out. */
    private int lineStart;
    private int lineEnd;

    private int status;
    private boolean close;
    private boolean started;
    private long bodyBytes;

    ResponseReader(int bufferSize) {
        buf = new byte[Math.max(bufferSize, 256)];
    }

    /** A new connection: forgets what was buffered from the previous one. */
    void reset(InputStream in) {
        this.in = in;
        pos = 0;
        limit = 0;
    }

    /**
     * Reads one whole response to a request whose method was not HEAD; returns its status code.
     */
    int read() throws IOException {
        return read(false);
    }

    /** Reads one whole response; {@code head}: the request was a HEAD, so no body follows whatever the headers say. */
    int read(boolean head) throws IOException {
        started = pos < limit;
        bodyBytes = 0;
        while (true) {
            long contentLength = -1;
            boolean chunked = false;
            line();
            started = true;
            if (lineEnd - lineStart < 12 || !startsWith("HTTP/1.") || buf[lineStart + 8] != ' ') {
                throw new IOException("not an HTTP/1.x status line: " + text(lineStart, Math.min(lineEnd, lineStart + 80)));
            }
            boolean http10 = buf[lineStart + 7] == '0';
            close = http10;
            status = digit(9) * 100 + digit(10) * 10 + digit(11);
            while (true) {
                line();
                if (lineEnd == lineStart) {
                    break;
                }
                int colon = indexOf((byte) ':', lineStart, lineEnd);
                if (colon < 0) {
                    throw new IOException("a header line without a colon: " + text(lineStart, lineEnd));
                }
                int valueStart = colon + 1;
                int valueEnd = lineEnd;
                while (valueStart < valueEnd && (buf[valueStart] == ' ' || buf[valueStart] == '\t')) {
                    valueStart++;
                }
                while (valueEnd > valueStart && (buf[valueEnd - 1] == ' ' || buf[valueEnd - 1] == '\t')) {
                    valueEnd--;
                }
                if (nameIs(CONTENT_LENGTH, colon)) {
                    contentLength = decimal(valueStart, valueEnd);
                } else if (nameIs(TRANSFER_ENCODING, colon)) {
                    // the last coding is what frames the body
                    chunked = endsWithIgnoreCase(CHUNKED, valueStart, valueEnd);
                } else if (nameIs(CONNECTION, colon)) {
                    if (containsIgnoreCase(CLOSE, valueStart, valueEnd)) {
                        close = true;
                    } else if (http10 && containsIgnoreCase(KEEP_ALIVE, valueStart, valueEnd)) {
                        close = false;
                    }
                }
            }
            if (status >= 100 && status < 200 && status != 101) {
                continue; // an interim response: the final one follows
            }
            if (head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
                return status;
            }
            if (chunked) {
                chunks();
            } else if (contentLength >= 0) {
                skip(contentLength);
            } else {
                untilEnd();
                close = true;
            }
            return status;
        }
    }

    /** The status of the last response read. */
    int status() {
        return status;
    }

    /** Whether the server ends the connection after the last response (or the body ran to the end of the stream). */
    boolean close() {
        return close;
    }

    /** Whether any byte of the response being read had arrived when {@link #read} failed. */
    boolean started() {
        return started;
    }

    /** The body length of the last response (chunked: the data only). */
    long bodyBytes() {
        return bodyBytes;
    }

    private void chunks() throws IOException {
        while (true) {
            line();
            long size = 0;
            int i = lineStart;
            for (; i < lineEnd; i++) {
                int d = Character.digit(buf[i], 16);
                if (d < 0) {
                    break;
                }
                if (size > (Long.MAX_VALUE >> 4)) {
                    throw new IOException("chunk size too large");
                }
                size = size * 16 + d;
            }
            if (i == lineStart || (i < lineEnd && buf[i] != ';' && buf[i] != ' ' && buf[i] != '\t')) {
                throw new IOException("bad chunk size line: " + text(lineStart, lineEnd));
            }
            if (size == 0) {
                do {
                    line(); // trailer fields, up to the empty line
                } while (lineEnd != lineStart);
                return;
            }
            skip(size);
            line();
            if (lineEnd != lineStart) {
                throw new IOException("chunk data not followed by CRLF");
            }
        }
    }

    /** Reads and drops {@code n} body bytes. */
    private void skip(long n) throws IOException {
        bodyBytes += n;
        while (n > 0) {
            if (pos == limit) {
                pos = 0;
                limit = 0;
                fill();
            }
            int take = (int) Math.min(n, limit - pos);
            pos += take;
            n -= take;
        }
    }

    private void untilEnd() throws IOException {
        bodyBytes += limit - pos;
        pos = limit;
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) {
            bodyBytes += n;
        }
        pos = 0;
        limit = 0;
    }

    /** Makes the next line available as {@code buf[lineStart, lineEnd)} and moves past its end. */
    private void line() throws IOException {
        int scanned = pos;
        while (true) {
            int lf = indexOf((byte) '\n', scanned, limit);
            if (lf >= 0) {
                lineStart = pos;
                lineEnd = lf > pos && buf[lf - 1] == '\r' ? lf - 1 : lf;
                pos = lf + 1;
                return;
            }
            scanned = limit;
            if (limit == buf.length) {
                if (pos == 0) {
                    throw new IOException("a line longer than the " + buf.length + "-byte buffer");
                }
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                scanned -= pos;
                limit -= pos;
                pos = 0;
            }
            fill();
        }
    }

    /** Reads more bytes after {@code limit}; there must be room. */
    private void fill() throws IOException {
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            throw new EOFException(started ? "the connection closed in the middle of a response"
                    : "the connection closed before a response");
        }
        started = true;
        limit += n;
    }

    private boolean startsWith(String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (buf[lineStart + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int digit(int offset) throws IOException {
        int d = buf[lineStart + offset] - '0';
        if (d < 0 || d > 9) {
            throw new IOException("bad status code: " + text(lineStart, lineEnd));
        }
        return d;
    }

    private long decimal(int from, int to) throws IOException {
        if (from == to || to - from > 18) {
            throw new IOException("bad Content-Length: " + text(from, to));
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                throw new IOException("bad Content-Length: " + text(from, to));
            }
            n = n * 10 + d;
        }
        return n;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the header name {@code buf[lineStart, colon)} is {@code lowerName}, ignoring ASCII case. */
    private boolean nameIs(byte[] lowerName, int colon) {
        return colon - lineStart == lowerName.length && regionIgnoreCase(lowerName, lineStart);
    }

    private boolean endsWithIgnoreCase(byte[] lower, int from, int to) {
        return to - from >= lower.length && regionIgnoreCase(lower, to - lower.length);
    }

    private boolean containsIgnoreCase(byte[] lower, int from, int to) {
        for (int i = from; i + lower.length <= to; i++) {
            if (regionIgnoreCase(lower, i)) {
                return true;
            }
        }
        return false;
    }

    private boolean regionIgnoreCase(byte[] lower, int at) {
        for (int i = 0; i < lower.length; i++) {
            int b = buf[at + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private String text(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
