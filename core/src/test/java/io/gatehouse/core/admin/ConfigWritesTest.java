package io.gatehouse.core.admin;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Parsing the headers of a write: {@code If-Match} and {@code Content-Type}. */
class ConfigWritesTest {

    @Test
    void ifMatchTags() {
        assertNull(ConfigWrites.ifMatch(null));
        assertNull(ConfigWrites.ifMatch(" * "));
        assertEquals(Set.of("\"3-ab\""), ConfigWrites.ifMatch("\"3-ab\""));
        assertEquals(Set.of("\"3-ab\"", "\"4-cd\""), ConfigWrites.ifMatch("\"3-ab\", \"4-cd\""));
        assertEquals(Set.of("\"3-ab\""), ConfigWrites.ifMatch("3-ab"));
        assertEquals(Set.of(), ConfigWrites.ifMatch("W/\"3-ab\""), "a weak tag never matches");
        assertEquals(Set.of(), ConfigWrites.ifMatch(","));
    }

    @Test
    void mediaTypes() {
        assertEquals("application/json", ConfigWrites.mediaType("Application/JSON; charset=utf-8"));
        assertEquals("", ConfigWrites.mediaType(null));
        assertEquals("text/yaml", ConfigWrites.mediaType(" text/yaml "));
    }
}
