package io.gatehouse.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadersTest {

    private static List<String> lines(Headers headers) {
        List<String> lines = new ArrayList<>();
        headers.forEach((name, value) -> lines.add(name + ": " + value));
        return lines;
    }

    @Test
    void namesAreCaseInsensitiveAndKeepTheirFirstSpelling() {
        Headers headers = new Headers().add("X-Trace", "1").add("x-trace", "2").add("X-TRACE", "3");
        assertEquals(List.of("1", "2", "3"), headers.all("x-TrAcE"));
        assertEquals(Optional.of("1"), headers.first("X-TRACE"));
        assertEquals(Set.of("X-Trace"), headers.names());
        assertEquals(1, headers.size());
        assertTrue(headers.contains("x-trace"));
        assertFalse(headers.contains("x-trac"));
        assertEquals(Optional.empty(), headers.first("Absent"));
        assertEquals(List.of(), headers.all("Absent"));
    }

    @Test
    void valuesOfANameStayTogetherInTheOrderOfTheNamesFirstAddition() {
        Headers headers = Headers.of("A", "1", "B", "2", "a", "3", "C", "4", "b", "5");
        assertEquals(List.of("A: 1", "A: 3", "B: 2", "B: 5", "C: 4"), lines(headers));
        assertEquals(List.of("A", "B", "C"), List.copyOf(headers.names()));
    }

    @Test
    void setReplacesEveryValueAndTheSpelling() {
        Headers headers = Headers.of("Accept", "a", "accept", "b", "Other", "x");
        headers.set("ACCEPT", "c");
        assertEquals(List.of("c"), headers.all("accept"));
        assertTrue(headers.names().contains("ACCEPT"));
        assertEquals(2, headers.size());
    }

    @Test
    void removeAndRemoveIf() {
        Headers headers = Headers.of("A", "1", "Proxy-X", "2", "proxy-y", "3", "B", "4");
        assertTrue(headers.remove("a"));
        assertFalse(headers.remove("a"));
        assertTrue(headers.removeIf(name -> name.regionMatches(true, 0, "proxy-", 0, 6)));
        assertFalse(headers.removeIf(name -> name.startsWith("Z")));
        assertEquals(List.of("B: 4"), lines(headers));
        headers.add("A", "5");
        assertEquals(List.of("B: 4", "A: 5"), lines(headers), "a removed name comes back at the end");
    }

    @Test
    void copiesAreDeepAndListsUnmodifiable() {
        Headers headers = Headers.of("A", "1");
        Headers copy = headers.copy();
        copy.add("A", "2");
        copy.add("B", "3");
        assertEquals(List.of("1"), headers.all("A"));
        assertEquals(List.of("1", "2"), copy.all("A"));
        assertThrows(UnsupportedOperationException.class, () -> headers.all("A").add("x"));
        assertThrows(UnsupportedOperationException.class, () -> headers.names().add("x"));
        List<String> seen = headers.all("A");
        headers.add("A", "later");
        assertTrue(seen.size() <= 2, "a list handed out is a view or a snapshot, never broken");
    }

    @Test
    void manyFieldsStayFindable() {
        Headers headers = new Headers();
        for (int i = 0; i < 300; i++) {
            headers.add("X-Field-" + i, Integer.toString(i));
        }
        for (int i = 0; i < 300; i++) {
            assertEquals(Optional.of(Integer.toString(i)), headers.first("x-field-" + i));
        }
        assertEquals(300, headers.size());
        for (int i = 0; i < 300; i += 2) {
            assertTrue(headers.remove("X-FIELD-" + i));
        }
        assertEquals(150, headers.size());
        assertFalse(headers.contains("x-field-0"));
        assertEquals(Optional.of("1"), headers.first("x-field-1"));
        headers.set("x-field-0", "again");
        assertEquals(Optional.of("again"), headers.first("X-Field-0"));
        assertEquals("x-field-0", List.copyOf(headers.names()).get(150));
    }

    @Test
    void refusesInvalidNamesAndValues() {
        Headers headers = new Headers();
        assertThrows(IllegalArgumentException.class, () -> headers.add("Bad Name", "x"));
        assertThrows(IllegalArgumentException.class, () -> headers.add("", "x"));
        assertThrows(IllegalArgumentException.class, () -> headers.set("X-A", "a\r\nInjected: 1"));
        assertThrows(IllegalArgumentException.class, () -> headers.add("X-A", "a\u0000"));
        assertThrows(NullPointerException.class, () -> headers.add("X-A", null));
        assertThrows(NullPointerException.class, () -> headers.first(null));
        assertThrows(IllegalArgumentException.class, () -> Headers.of("odd"));
        assertEquals(0, headers.size(), "nothing refused was added");
    }

    @Test
    void nonAsciiNamesNeverMatchAsciiOnes() {
        // case-insensitive means ASCII case only: a Kelvin sign is not a K
        Headers headers = Headers.of("K", "1");
        assertFalse(headers.contains("\u212A"));
    }
}
