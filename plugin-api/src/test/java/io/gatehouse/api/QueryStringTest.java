package io.gatehouse.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one query-string parser and the one token check of the API. */
class QueryStringTest {

    @Test
    void readsDecodeAndMissingIsNull() {
        assertEquals("alice", QueryString.first("x=1&user=al%69ce", "user"));
        assertEquals("a b", QueryString.first("q=a+b", "q"));
        assertEquals("50%", QueryString.first("user=50%", "user"), "not valid percent-encoding: as sent");
        assertEquals("", QueryString.first("user", "user"));
        assertNull(QueryString.first("username=x", "user"));
        assertNull(QueryString.first("", "user"));
        assertEquals(List.of("1", "2"), QueryString.all("a=1&b=0&a=2", "a"));
    }

    @Test
    void editsKeepUntouchedParametersByteForByte() {
        assertEquals("keep=%7e%41&a=x%20y", QueryString.set("keep=%7e%41&a=1&a=2", "a", "x y"));
        assertEquals("keep=%7e%41", QueryString.remove("keep=%7e%41&a=1", "a"));
        assertEquals("n=1", QueryString.set("", "n", "1"));
    }

    @Test
    void tokens() {
        assertTrue(HttpTokens.isToken("X-Custom_1.~!#$%&'*+^`|"));
        assertFalse(HttpTokens.isToken(""));
        assertFalse(HttpTokens.isToken(null));
        for (String bad : List.of("a b", "a:b", "a\"b", "é", "a\tb", "a(b", "a/b", "a\u0000b")) {
            assertFalse(HttpTokens.isToken(bad), bad);
        }
    }
}
