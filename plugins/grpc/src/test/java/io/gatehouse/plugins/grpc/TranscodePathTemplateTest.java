package io.gatehouse.plugins.grpc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** google.api.http path templates: what matches, what the variables capture, and how values are decoded. */
class TranscodePathTemplateTest {

    record Case(String desc, String template, String path, Map<String, String> expected) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("literal path", "/v1/things", "/v1/things", Map.of()),
                new Case("literal mismatch", "/v1/things", "/v1/thing", null),
                new Case("extra segment", "/v1/things", "/v1/things/x", null),
                new Case("one variable", "/v1/greetings/{name}", "/v1/greetings/ann", Map.of("name", "ann")),
                new Case("empty segment is no value", "/v1/greetings/{name}", "/v1/greetings/", null),
                new Case("single segment variable does not take a slash", "/v1/greetings/{name}",
                        "/v1/greetings/a/b", null),
                new Case("nested field path", "/v1/{book.name=shelves/*/books/*}", "/v1/shelves/s1/books/b2",
                        Map.of("book.name", "shelves/s1/books/b2")),
                new Case("segments of a variable must match", "/v1/{book.name=shelves/*/books/*}",
                        "/v1/shelves/s1/notes/b2", null),
                new Case("verb", "/v1/{name=shelves/*/books/*}:title", "/v1/shelves/a/books/b:title",
                        Map.of("name", "shelves/a/books/b")),
                new Case("verb missing", "/v1/{name=shelves/*/books/*}:title", "/v1/shelves/a/books/b", null),
                new Case("wrong verb", "/v1/{name=shelves/*/books/*}:title", "/v1/shelves/a/books/b:author",
                        null),
                new Case("colon in a value without a verb", "/v1/greetings/{name}", "/v1/greetings/a:b",
                        Map.of("name", "a:b")),
                new Case("anonymous wildcard", "/v1/*/things", "/v1/any/things", Map.of()),
                new Case("double wildcard takes the rest", "/files/{path=**}", "/files/a/b/c",
                        Map.of("path", "a/b/c")),
                new Case("double wildcard may be empty", "/files/{path=**}", "/files", Map.of("path", "")),
                new Case("two variables", "/v1/shelves/{shelf}/books/{book}", "/v1/shelves/1/books/2",
                        Map.of("shelf", "1", "book", "2")),
                new Case("single segment decodes everything", "/v1/greetings/{name}",
                        "/v1/greetings/caf%C3%A9%20%2F%3B", Map.of("name", "café /;")),
                new Case("multi segment keeps %2F", "/files/{path=**}", "/files/a%2Fb/c%20d",
                        Map.of("path", "a%2Fb/c d")),
                new Case("a literal matches its decoded form", "/v1/caf\u00e9", "/v1/caf%C3%A9", Map.of()),
                new Case("malformed escape", "/v1/greetings/{name}", "/v1/greetings/%zz", null),
                new Case("escape that is not UTF-8", "/v1/greetings/{name}", "/v1/greetings/%C3", null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matches(Case c) {
        assertEquals(c.expected(), PathTemplate.parse(c.template()).match(c.path()), c.desc());
    }

    static Stream<String> invalid() {
        return Stream.of("v1/no-slash", "/v1/{name", "/v1/{na-me}", "/v1/**/x", "/v1/{a}b", "/v1/x:", "/v1/a*b");
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void refusesInvalidTemplates(String template) {
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse(template));
    }
}
