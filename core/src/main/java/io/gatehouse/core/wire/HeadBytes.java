package io.gatehouse.core.wire;

import io.helidon.common.buffers.BufferData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An HTTP/1 message head being written, as Latin-1 bytes into an array its connection keeps and reuses for each
 * message: writing a head allocates nothing, where a {@code StringBuilder}, its {@code String} and the string's
 * bytes made three copies of it per message.
 *
 * <p>A character above U+00FF is written as {@code ?}, as {@code String.getBytes(ISO_8859_1)} does: never its low
 * byte, which could be a CR or an LF. Header values reaching a head have been checked for CR, LF and NUL.
 *
 * <p>Not thread-safe: one message at a time. {@link #data()} wraps the array without copying, so it must be
 * written out (synchronously) before the next {@link #reset()}.
 */
public final class HeadBytes {

    /** Above this, the array is let go after a message: a connection does not keep a large body's room. */
    private static final int KEEP = 8 * 1024;
    private static final int INITIAL = 512;

    private byte[] bytes = new byte[INITIAL];
    private int length;

    /** Starts a new head, dropping an array that a large message grew past {@value #KEEP} bytes. */
    public HeadBytes reset() {
        if (bytes.length > KEEP) {
            bytes = new byte[INITIAL];
        }
        length = 0;
        return this;
    }

    public HeadBytes append(String text) {
        int n = text.length();
        room(n);
        byte[] to = bytes;
        int at = length;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            to[at + i] = c <= 0xFF ? (byte) c : (byte) '?';
        }
        length = at + n;
        return this;
    }

    /** Appends an ASCII character. */
    public HeadBytes append(char c) {
        room(1);
        bytes[length++] = (byte) c;
        return this;
    }

    /** Appends a non-negative number in decimal. */
    public HeadBytes append(long number) {
        if (number < 0) {
            return append(Long.toString(number));
        }
        int digits = 1;
        for (long rest = number / 10; rest > 0; rest /= 10) {
            digits++;
        }
        room(digits);
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + number % 10);
            number /= 10;
        }
        length += digits;
        return this;
    }

    /** Appends {@code name: value} and a CRLF. */
    public HeadBytes field(String name, String value) {
        return append(name).append(':').append(' ').append(value).crlf();
    }

    public HeadBytes crlf() {
        room(2);
        bytes[length++] = '\r';
        bytes[length++] = '\n';
        return this;
    }

    public HeadBytes append(byte[] from, int offset, int count) {
        room(count);
        System.arraycopy(from, offset, bytes, length, count);
        length += count;
        return this;
    }

    /**
     * Reads exactly {@code count} bytes of {@code in} after the head, so a small body goes out in the same write.
     *
     * @return the bytes read: fewer than {@code count} if the stream ended first
     */
    public int readFrom(InputStream in, int count) throws IOException {
        room(count);
        int read = in.readNBytes(bytes, length, count);
        length += read;
        return read;
    }

    public int length() {
        return length;
    }

    /** The bytes so far, wrapped: valid until the next {@link #reset()}. */
    public BufferData data() {
        return BufferData.create(bytes, 0, length);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    private void room(int more) {
        int needed = length + more;
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
    }
}
