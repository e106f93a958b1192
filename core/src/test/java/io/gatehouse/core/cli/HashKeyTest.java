package io.gatehouse.core.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code gatehouse hash-key}: the hash of one key read from stdin, as filter.api_key expects it. */
class HashKeyTest {

    /** {@code printf %s 'abc' | sha256sum}: the FIPS 180-2 test vector. */
    private static final String ABC = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void hashesTheKeyWithoutItsTrailingNewline() {
        assertEquals(ABC, HashKeyCommand.hash(bytes("abc")));
        assertEquals(ABC, HashKeyCommand.hash(bytes("abc\n")));
        assertEquals(ABC, HashKeyCommand.hash(bytes("abc\r\n")));
    }

    @Test
    void onlyOneTrailingNewlineIsDropped() {
        assertNull(HashKeyCommand.hash(bytes("abc\n\n")), "two lines are not one key");
    }

    @Test
    void refusesWhatIsNotOneKey() {
        assertNull(HashKeyCommand.hash(bytes("")));
        assertNull(HashKeyCommand.hash(bytes("\n")));
        assertNull(HashKeyCommand.hash(bytes("a\nb")));
        assertNull(HashKeyCommand.hash(new byte[HashKeyCommand.MAX_KEY_BYTES + 1]));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
