package io.gatehouse.core.server;

/**
 * Whether Helidon 4.2's HTTP/2 header encoder can write a string. It Huffman-codes every name and value into an
 * array as long as the string, so a string whose code is longer throws {@code ArrayIndexOutOfBoundsException} half
 * way: the stream is reset without an answer, and the connection's HPACK table has moved on without the client's,
 * which loses every later stream of the connection (an outside review's finding). Bytes 0x80-0xFF (a raw UTF-8
 * file name in {@code Content-Disposition}) and ASCII dense in rare symbols ({@code <>{}^~|`}) have such codes.
 * HTTP/1.1 clients get those values as they are; an HTTP/2 response is checked first.
 */
final class HpackLimit {

    /** The Huffman code length in bits of each byte value (RFC 7541, Appendix B), as Helidon's encoder uses it. */
    private static final byte[] BITS = {
            13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
            28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
            6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
            5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
            13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
            7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
            15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
            6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
            20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
            24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
            22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
            21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
            26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
            19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
            20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
            26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26};

    private HpackLimit() {
    }

    /** @return whether the encoder can write {@code text} (each char taken as its low byte, as the encoder does) */
    static boolean encodable(String text) {
        long bits = 0;
        for (int i = 0; i < text.length(); i++) {
            bits += BITS[text.charAt(i) & 0xFF];
        }
        return (bits + 7) / 8 <= text.length();
    }
}
