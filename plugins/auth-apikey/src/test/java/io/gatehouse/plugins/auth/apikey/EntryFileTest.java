package io.gatehouse.plugins.auth.apikey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.ALICE_HASH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A key file is bound as strictly as the gateway's own config, and its problems never repeat its values. */
class EntryFileTest {

    record Case(String desc, String text, List<String> problems) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("empty", "", List.of()),
                new Case("only a comment", "# no keys yet\n", List.of()),
                new Case("an empty list", "[]", List.of()),
                new Case("a map instead of a list", "keys: []", List.of(": must be a YAML list of entries (- { ... }),"
                        + " got a map")),
                new Case("an entry that is a string", "- ak_secret_value", List.of("[0]: must be a map of hash,"
                        + " consumer, groups, got a string")),
                new Case("an unknown key", "- { hash: x, consumer: a, role: admin }", List.of("[0].role: unknown key"
                        + " (known keys: hash, consumer, groups)")),
                new Case("an unknown key that may be a secret", "- { hash: x, consumer: a, ak_9f8e7d6c5b4a: 1 }",
                        List.of("[0]: unknown key (not shown) (known keys: hash, consumer, groups)")),
                new Case("a missing required key", "- { consumer: a }\n- { hash: x }", List.of("[0].hash: required",
                        "[1].consumer: required")),
                new Case("groups not a list", "- { hash: x, consumer: a, groups: admins }", List.of("[0].groups:"
                        + " expected a list, got a string")),
                new Case("a group that is a map", "- { hash: x, consumer: a, groups: [ {a: b} ] }",
                        List.of("[0].groups[0]: expected a string, got a map; quote it to keep it as written")),
                new Case("a duplicated key", "- { hash: x, consumer: a, consumer: b }", List.of(": not valid YAML:"
                        + " found duplicate key consumer (line 1, column 27)")),
                new Case("not YAML", "- { hash: x\n  consumer: \"a }\n", List.of(": not valid YAML: expected"
                        + " ',' or '}', but got : (line 2, column 11)")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void problems(Case c) {
        RecordedProblems problems = new RecordedProblems();
        EntryFile.parse(c.text(), ApiKeyConfig.Key.class, (entry, path, p) -> { }, problems);
        assertEquals(c.problems(), problems.lines());
        assertFalse(problems.lines().toString().contains("ak_"));
    }

    @Test
    void scalarsBecomeStringsAsInTheGatewaysConfig() {
        RecordedProblems problems = new RecordedProblems();
        var entries = EntryFile.parse("- { hash: \"" + ALICE_HASH + "\", consumer: 42, groups: [true, ops] }",
                ApiKeyConfig.Key.class, ApiKeys.CATALOG, problems);
        assertTrue(problems.lines().isEmpty(), problems.lines().toString());
        assertEquals(new ApiKeyConfig.Key(ALICE_HASH, "42", List.of("true", "ops")), entries.getFirst().entry());
        assertEquals("[0]", entries.getFirst().path());
    }

    @Test
    void yamlTagsThatBuildObjectsAreRefused() {
        RecordedProblems problems = new RecordedProblems();
        EntryFile.parse("- !!java.net.URL [\"http://127.0.0.1/\"]", ApiKeyConfig.Key.class, ApiKeys.CATALOG,
                problems);
        assertEquals(1, problems.lines().size());
        assertTrue(problems.lines().getFirst().startsWith(": not valid YAML"), problems.lines().toString());
    }
}
