package io.gatehouse.core.observe.tracing;

/** Lowercase hex of ids, without {@link String#format} or a regex. */
final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** Writes {@code value} as 16 hex digits at {@code offset}. */
    static void write(long value, char[] into, int offset) {
        for (int i = 15; i >= 0; i--) {
            into[offset + i] = DIGITS[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    static String of(long value) {
        char[] chars = new char[16];
        write(value, chars, 0);
        return new String(chars);
    }

    /** Reads 16 hex digits at {@code offset}, already checked with {@link #digit}. */
    static long read(String text, int offset) {
        long value = 0;
        for (int i = 0; i < 16; i++) {
            value = (value << 4) | digit(text.charAt(offset + i));
        }
        return value;
    }

    /** @return whether {@code text} holds only lowercase hex digits from {@code from} to {@code to} (exclusive) */
    static boolean isHex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (digit(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** @return the value of a lowercase hex digit, or -1 */
    static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
