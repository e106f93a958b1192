package io.gatehouse.core.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the loader reads scalars (YAML 1.2 core schema, {@link io.gatehouse.api.config.CoreSchemaResolver}) and builds values
 * ({@link ConfigConstructor}): the resolver's shortcut for scalars no regex can match and the constructor's for
 * immutable scalars must give what SnakeYAML's full paths give.
 */
class YamlScalarsTest {

    record Case(String desc, String yaml, Object expected) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> scalars() {
        return List.of(
                new Case("a word", "plain", "plain"),
                new Case("a path", "/api/v1/users/:id", "/api/v1/users/:id"),
                new Case("YAML 1.1 booleans stay strings", "no", "no"),
                new Case("on", "on", "on"),
                new Case("yes", "Yes", "Yes"),
                new Case("true", "true", true),
                new Case("False", "False", false),
                new Case("a word starting like a boolean", "trueish", "trueish"),
                new Case("an int", "42", 42),
                new Case("a negative int", "-7", -7),
                new Case("a long", "12345678901", 12345678901L),
                new Case("a big integer", "123456789012345678901234567890",
                        new BigInteger("123456789012345678901234567890")),
                new Case("hex", "0x1F", 31),
                new Case("a leading zero stays a string", "0123", "0123"),
                new Case("sexagesimal stays a string", "1:30", "1:30"),
                new Case("a float", "1.5", 1.5),
                new Case("a float from a dot", ".5", 0.5),
                new Case("infinity", ".inf", Double.POSITIVE_INFINITY),
                new Case("a date stays a string", "2024-01-01", "2024-01-01"),
                new Case("null", "null", null),
                new Case("tilde", "~", null),
                new Case("nothing", "", null),
                new Case("a word starting like null", "none", "none"),
                new Case("quoted true", "\"true\"", "true"),
                new Case("quoted number", "'42'", "42"),
                new Case("an explicit string tag", "!!str 42", "42"),
                new Case("an explicit int tag", "!!int \"42\"", 42),
                new Case("a URL", "http://127.0.0.1:8080", "http://127.0.0.1:8080"),
                new Case("a duration", "30s", "30s"),
                new Case("a NUL first", "\"\\0x\"", "\0x"));
    }

    @ParameterizedTest
    @MethodSource("scalars")
    void readsScalars(Case c) throws ConfigException {
        Map<?, ?> tree = (Map<?, ?>) ConfigLoader.substitutedTree("v: " + c.yaml() + "\n", "s.yaml", Map.of()).tree();
        assertEquals(c.expected(), tree.get("v"), c.desc());
        if (c.expected() != null) {
            assertEquals(c.expected().getClass(), tree.get("v").getClass(), c.desc());
        }
    }

    @Test
    void keysAreResolvedToo() throws ConfigException {
        Map<?, ?> tree = (Map<?, ?>) ConfigLoader.substitutedTree("{1: a, true: b, no: c, ~: d}", "k.yaml",
                Map.of()).tree();
        assertEquals(Map.of(1, "a", true, "b", "no", "c"), Map.of(1, tree.get(1), true, tree.get(true),
                "no", tree.get("no")));
        assertTrue(tree.containsKey(null));
    }

    @Test
    void aliasesAndMergeKeysStillWork() throws ConfigException {
        Map<?, ?> tree = (Map<?, ?>) ConfigLoader.substitutedTree(
                "a: &s shared\nb: *s\nbase: &m { x: 1, y: two }\nc: { <<: *m, y: 3 }\nd: *m\n", "a.yaml",
                Map.of()).tree();
        assertEquals("shared", tree.get("a"));
        assertEquals("shared", tree.get("b"));
        assertEquals(Map.of("x", 1, "y", 3), tree.get("c"));
        assertEquals(Map.of("x", 1, "y", "two"), tree.get("d"));
    }

    @Test
    void anchoredDocumentsShareAsBefore() throws ConfigException {
        // an anchor anywhere takes SnakeYAML's own path, with its identity tables
        Map<?, ?> tree = (Map<?, ?>) ConfigLoader.substitutedTree(
                "routes:\n  - { id: a, filters: &f [ { headers: { x: 1 } } ] }\n  - { id: b, filters: *f }\n",
                "s.yaml", Map.of()).tree();
        List<?> routes = (List<?>) tree.get("routes");
        assertEquals(((Map<?, ?>) routes.get(0)).get("filters"), ((Map<?, ?>) routes.get(1)).get("filters"));
    }

    @Test
    void collectionKeysAndSetsWithoutAnchors() throws ConfigException {
        Map<?, ?> tree = (Map<?, ?>) ConfigLoader.substitutedTree("? [a, b]\n: list\n? { k: v }\n: map\n"
                + "s: !!set { x, y }\n", "c.yaml", Map.of()).tree();
        assertEquals("list", tree.get(List.of("a", "b")));
        assertEquals("map", tree.get(Map.of("k", "v")));
        assertEquals(Set.of("x", "y"), tree.get("s"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.substitutedTree("? [a]\n: 1\n? [a]\n: 2\n", "c.yaml", Map.of()));
        assertTrue(e.getMessage().contains("found duplicate key [a]"), e.getMessage());
    }

    @Test
    void largeMappingsAreCheckedForDuplicatesToo() {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            yaml.append("k").append(i).append(": ").append(i).append('\n');
        }
        yaml.append("k7: again\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.substitutedTree(yaml.toString(), "l.yaml", Map.of()));
        assertTrue(e.getMessage().contains("found duplicate key k7"), e.getMessage());
    }

    @Test
    void inlineMergeKeysWithoutAnchors() throws ConfigException {
        Map<?, ?> tree = (Map<?, ?>) ConfigLoader.substitutedTree("c: { <<: { x: 1, y: 2 }, y: 3 }\n", "i.yaml",
                Map.of()).tree();
        assertEquals(Map.of("x", 1, "y", 3), tree.get("c"));
    }

    @Test
    void timestampsAndBinariesAreStillBuilt() throws ConfigException {
        Map<?, ?> tree = (Map<?, ?>) ConfigLoader.substitutedTree("t: !!timestamp 2024-01-01\nb: !!binary aGk=\n",
                "t.yaml", Map.of()).tree();
        assertInstanceOf(Date.class, tree.get("t"));
        assertArrayEquals("hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII), (byte[]) tree.get("b"));
    }

    @Test
    void duplicateKeysAreStillRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.substitutedTree("a: 1\nb: 2\na: 3\n", "d.yaml", Map.of()));
        assertTrue(e.getMessage().contains("found duplicate key a"), e.getMessage());
        ConfigException scalarKeys = assertThrows(ConfigException.class,
                () -> ConfigLoader.substitutedTree("{1: a, 0x1: b}", "d.yaml", Map.of()));
        assertTrue(scalarKeys.getMessage().contains("found duplicate key 1"), scalarKeys.getMessage());
    }
}
