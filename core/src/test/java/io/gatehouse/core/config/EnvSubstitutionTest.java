package io.gatehouse.core.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvSubstitutionTest {

    private static Map<Object, Object> map(Object... keysAndValues) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void substitutesDeepInsideAndKeepsWhatHasNoDollar() {
        Map<Object, Object> plain = map("id", "a", "match", map("path", "/a"));
        Map<Object, Object> withRef = map("id", "b", "rewrite", "/${PREFIX}/x", "n", 3);
        Map<Object, Object> root = map("routes", new ArrayList<>(List.of(plain, withRef)), "server", map("port", 1));
        List<Problem> problems = new ArrayList<>();
        Set<String> substituted = new java.util.HashSet<>();
        Map<?, ?> out = (Map<?, ?>) EnvSubstitution.apply(root, Map.of("PREFIX", "p"), "", problems, substituted);
        assertEquals(List.of(), problems);
        assertEquals(Set.of("routes[1].rewrite"), substituted);
        List<?> routes = (List<?>) out.get("routes");
        assertSame(plain, routes.get(0));
        assertSame(root.get("server"), out.get("server"));
        assertEquals(map("id", "b", "rewrite", "/p/x", "n", 3), routes.get(1));
        assertEquals("/${PREFIX}/x", withRef.get("rewrite"), "the input is left as it was");
    }

    @Test
    void reportsAnUnsetVariableWithItsPath() {
        List<Problem> problems = new ArrayList<>();
        EnvSubstitution.apply(map("a", List.of("x", map("b", "${NOPE}"))), Map.of(), "", problems);
        assertEquals(1, problems.size());
        assertEquals("a[1].b", problems.getFirst().path());
        assertTrue(problems.getFirst().message().contains("NOPE"), problems.getFirst().message());
    }

    @Test
    void aTreeWithoutDollarsIsGivenBackAsItIs() {
        Map<Object, Object> root = map("a", List.of(1, "two", map("c", "d")));
        assertSame(root, EnvSubstitution.apply(root, Map.of(), "", new ArrayList<>()));
    }
}
