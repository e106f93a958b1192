package io.gatehouse.core.server;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HpackLimitTest {

    /** The table is the one the encoder it guards uses: Helidon's own (package-private) code lengths. */
    @Test
    void theCodeLengthsAreHelidonsEncoders() throws Exception {
        Class<?> constants = Class.forName("io.helidon.http.http2.Http2HuffmanConstants");
        Field lengths = constants.getDeclaredField("HUFFMAN_CODE_LENGTHS");
        lengths.setAccessible(true);
        byte[] helidon = (byte[]) lengths.get(null);
        Field ours = HpackLimit.class.getDeclaredField("BITS");
        ours.setAccessible(true);
        byte[] bits = (byte[]) ours.get(null);
        byte[] first256 = new byte[256];
        System.arraycopy(helidon, 0, first256, 0, 256); // the 257th is end-of-string, never a value's
        assertArrayEquals(first256, bits);
    }

    @Test
    void ordinaryHeadersAreEncodableDenseSymbolsAndObsTextAreNot() {
        assertTrue(HpackLimit.encodable(""));
        assertTrue(HpackLimit.encodable("content-type"));
        assertTrue(HpackLimit.encodable("application/json; charset=utf-8"));
        assertTrue(HpackLimit.encodable("Wed, 02 Dec 2026 20:31:50 GMT"));
        assertTrue(HpackLimit.encodable("attachment; filename=\"report-2026.pdf\""));
        assertFalse(HpackLimit.encodable("<>{}^~|`<>{}^~|`"));
        assertFalse(HpackLimit.encodable("caf\u00e9\u00ff"));
        assertFalse(HpackLimit.encodable("x-^^^"));
        // a value whose code is exactly as long as the value fits: 8-bit symbols only
        assertTrue(HpackLimit.encodable("&&&&"));
    }

    /** The limit is where the encoder's array ends: one byte more of code than characters does not fit. */
    @Test
    void theBoundaryIsTheValuesLength() {
        // '&' is 8 bits, '<' 15: "&&&<" is 39 bits = 5 bytes > 4
        assertFalse(HpackLimit.encodable("&&&<"));
        // 'a' is 5 bits: "aaaaaaa<" is 35 + 15 = 50 bits = 7 bytes <= 8
        assertTrue(HpackLimit.encodable("aaaaaaa<"));
    }
}
