package io.gatehouse.core.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PathTemplateTest {

    record Case(String desc, String template, Optional<String> problem) {
        @Override
        public String toString() {
            return desc + ": " + template;
        }
    }

    static Stream<Case> templates() {
        return Stream.of(
                new Case("root", "/", Optional.empty()),
                new Case("params and catch-all", "/a/:id/*rest", Optional.empty()),
                new Case("trailing slash", "/a/", Optional.empty()),
                new Case("null", null, Optional.of("path template 'null' must start with '/'")),
                new Case("catch-all first", "/*all/x",
                        Optional.of("path template '/*all/x', segment 1 '*all': a catch-all '*all' must be the last segment")),
                new Case("empty name", "/a/:/b", Optional.of("path template '/a/:/b', segment 2 ':': empty parameter name")));
    }

    @ParameterizedTest
    @MethodSource("templates")
    void reportsProblemsWithoutBuilding(Case c) {
        assertEquals(c.problem(), PathTemplate.problem(c.template()), c.desc());
    }

    @Test
    void listsParamsInTemplateOrder() {
        assertEquals(List.of("id", "post", "rest"), List.copyOf(PathTemplate.params("/u/:id/p/:post/*rest")));
        assertEquals(List.of(), List.copyOf(PathTemplate.params("/static")));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.params("/:a/:a"));
    }

    @Test
    void expandsARewriteTarget() {
        assertEquals("/users/42", PathTemplate.parse("/users/:id").expand(Map.of("id", "42")));
        assertEquals("/s/a%20b/c/", PathTemplate.parse("/s/*rest").expand(Map.of("rest", "a%20b/c/")));
        assertEquals("/users/a%3Bb", PathTemplate.parse("/users/:id").expand(Map.of("id", "a%3Bb")),
                "a kept escape in a value is carried over, not encoded again");
        assertEquals("/caf%C3%A9/7", PathTemplate.parse("/caf\u00e9/:id").expand(Map.of("id", "7")),
                "static segments are in wire form");
        assertEquals("/s", PathTemplate.parse("/s/*rest").expand(Map.of("rest", "")));
        assertEquals("/", PathTemplate.parse("/*rest").expand(Map.of("rest", "")));
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/u/:id").expand(Map.of()));
    }
}
