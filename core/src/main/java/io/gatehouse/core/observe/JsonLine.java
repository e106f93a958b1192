package io.gatehouse.core.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * One JSON object on one line, written as UTF-8 into an array reused for every line: the access log's writer.
 * Its output is what Jackson's generator wrote before: compact ({@code "name":value}), the same escapes
 * ({@code \"}, {@code \\}, {@code \b \f \n \r \t}, other controls and every surrogate as an upper-case
 * {@code \\uXXXX}, a pair as two, as Jackson does by default), everything else as UTF-8; at a fraction of the cost
 * (Jackson's checks per value were three quarters of the writer's time). A lone surrogate is escaped the same way,
 * so no line is lost to one.
 *
 * <p>Not thread-safe: the writer thread's own.
 */
final class JsonLine {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int KEEP = 64 * 1024;

    private byte[] bytes = new byte[1024];
    private int length;
    private boolean first;

    /** Starts a line: {@code {}. */
    void begin() {
        if (bytes.length > KEEP) {
            bytes = new byte[1024];
        }
        length = 0;
        put('{');
        first = true;
    }

    /** Ends the line: {@code }} and a newline. */
    void end() {
        put('}');
        put('\n');
    }

    /** {@code "name":"value"}, or {@code "name":null}. */
    void string(String name, String value) {
        name(name);
        if (value == null) {
            ascii("null");
        } else {
            quoted(value);
        }
    }

    void number(String name, long value) {
        name(name);
        ascii(Long.toString(value));
    }

    /** {@code "name":text} with text a JSON number's text, written as it is. */
    void numberText(String name, String text) {
        name(name);
        ascii(text);
    }

    int length() {
        return length;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void name(String name) {
        if (!first) {
            put(',');
        }
        first = false;
        quoted(name);
        put(':');
    }

    private void quoted(String text) {
        int n = text.length();
        room(n * 6 + 2); // the most a char takes: \\u00XX
        byte[] b = bytes;
        int at = length;
        b[at++] = '"';
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x80) {
                if (c == '"' || c == '\\') {
                    b[at++] = '\\';
                }
                b[at++] = (byte) c;
            } else if (c < 0x20) {
                b[at++] = '\\';
                switch (c) {
                    case '\b' -> b[at++] = 'b';
                    case '\f' -> b[at++] = 'f';
                    case '\n' -> b[at++] = 'n';
                    case '\r' -> b[at++] = 'r';
                    case '\t' -> b[at++] = 't';
                    default -> at = unicodeEscape(b, at, c);
                }
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | c >> 6);
                b[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                b[at++] = '\\';
                at = unicodeEscape(b, at, c);
            } else {
                b[at++] = (byte) (0xE0 | c >> 12);
                b[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        b[at++] = '"';
        length = at;
    }

    /** Writes {@code uXXXX} (the backslash is written already). */
    private static int unicodeEscape(byte[] b, int at, char c) {
        b[at++] = 'u';
        b[at++] = HEX[c >> 12 & 0xF];
        b[at++] = HEX[c >> 8 & 0xF];
        b[at++] = HEX[c >> 4 & 0xF];
        b[at++] = HEX[c & 0xF];
        return at;
    }

    private void ascii(String text) {
        int n = text.length();
        room(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    private void put(char c) {
        room(1);
        bytes[length++] = (byte) c;
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
        }
    }
}
