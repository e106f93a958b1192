package io.gatehouse.core.route;

import io.gatehouse.api.GatewayException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathNormalizerTest {

    record Case(String desc, String raw, String expected) {
        @Override
        public String toString() {
            return desc + ": " + raw;
        }
    }

    record Bad(String desc, String raw, String messagePart) {
        @Override
        public String toString() {
            return desc + ": " + raw;
        }
    }

    static Stream<Case> normalised() {
        return Stream.of(
                new Case("root", "/", "/"),
                new Case("plain", "/a/b", "/a/b"),
                new Case("dot-dot", "/a/../b", "/b"),
                new Case("unreserved escape", "/%61", "/a"),
                new Case("double slash", "//x", "/x"),
                new Case("slash runs inside", "/a///b//c", "/a/b/c"),
                new Case("encoded dot-dot inside", "/a/%2e%2e/b", "/b"),
                new Case("mixed-case encoded dot-dot", "/a/%2E./b", "/b"),
                new Case("dot", "/a/./b", "/a/b"),
                new Case("encoded space", "/a%20b", "/a b"),
                new Case("auth bypass attempt", "/admin/../x", "/x"),
                new Case("trailing slash kept", "/a/b/", "/a/b/"),
                new Case("trailing dot-dot", "/a/b/..", "/a/"),
                new Case("trailing dot", "/a/b/.", "/a/b/"),
                new Case("back to root", "/a/..", "/"),
                new Case("double slash then dot-dot", "/a//../b", "/b"),
                new Case("utf-8", "/%C3%BC", "/ü"),
                new Case("encoded percent stays one level", "/%252e%252e/x", "/%2e%2e/x"),
                new Case("dots in a name", "/a/..b/.c/...", "/a/..b/.c/..."),
                new Case("semicolon in a normal segment", "/a;v=1/b", "/a;v=1/b"),
                new Case("raw unicode", "/ü", "/ü"));
    }

    @ParameterizedTest
    @MethodSource("normalised")
    void normalises(Case c) {
        assertEquals(c.expected(), PathNormalizer.normalize(c.raw()), c.desc());
    }

    static Stream<Bad> rejected() {
        return Stream.of(
                new Bad("encoded slash", "/a/%2F/b", "encoded slash"),
                new Bad("lower-case encoded slash", "/a%2fb", "encoded slash"),
                new Bad("climb above root", "/../x", "above the root"),
                new Bad("encoded climb above root", "/%2e%2e/x", "above the root"),
                new Bad("climb above root later", "/a/../../x", "above the root"),
                new Bad("bad hex", "/%zz", "malformed percent-escape '%zz'"),
                new Bad("lone percent", "/%", "malformed percent-escape '%'"),
                new Bad("truncated escape", "/%4", "malformed percent-escape '%4'"),
                new Bad("NUL", "/a%00", "U+0000"),
                new Bad("encoded newline", "/a%0Ab", "U+000A"),
                new Bad("raw tab", "/a\tb", "U+0009"),
                new Bad("DEL", "/a%7F", "U+007F"),
                new Bad("C1 control", "/a%C2%85", "U+0085"),
                new Bad("invalid utf-8", "/%C3", "not valid UTF-8"),
                new Bad("overlong dot", "/%C0%AE%C0%AE/x", "not valid UTF-8"),
                new Bad("escape split by a raw char", "/%C3x%BC", "not valid UTF-8"),
                new Bad("literal backslash", "/a\\..\\b", "backslash"),
                new Bad("encoded backslash", "/a%5C..%5Cb", "backslash"),
                new Bad("tomcat dot-dot parameter", "/public/..;/admin", "dot segment with a parameter"),
                new Bad("dot parameter", "/a/.;x/b", "dot segment with a parameter"),
                new Bad("relative", "a/b", "must start with '/'"),
                new Bad("empty", "", "must start with '/'"),
                new Bad("absolute form", "http://h/a", "must start with '/'"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejects(Bad c) {
        GatewayException e = assertThrows(GatewayException.class, () -> PathNormalizer.normalize(c.raw()), c.desc());
        assertEquals(400, e.status());
        assertEquals("invalid_path", e.code());
        assertTrue(e.getMessage().contains(c.messagePart()), () -> c.desc() + " -> " + e.getMessage());
    }

    static Stream<Case> encoded() {
        return Stream.of(
                new Case("plain", "/a/b", "/a/b"),
                new Case("space", "/a b", "/a%20b"),
                new Case("utf-8", "/ü", "/%C3%BC"),
                new Case("percent", "/100%", "/100%25"),
                new Case("query and fragment chars", "/a?b#c", "/a%3Fb%23c"),
                new Case("pchar kept", "/a:b@c!$&'()*+,;=-._~", "/a:b@c!$&'()*+,;=-._~"),
                new Case("unsafe ascii", "/\"<>{}|^`[]", "/%22%3C%3E%7B%7D%7C%5E%60%5B%5D"),
                new Case("trailing slash", "/a/", "/a/"));
    }

    @ParameterizedTest
    @MethodSource("encoded")
    void encodesAndRoundTrips(Case c) {
        String wire = PathNormalizer.encode(c.raw());
        assertEquals(c.expected(), wire, c.desc());
        assertEquals(c.raw(), PathNormalizer.normalize(wire), c.desc() + " round trip");
    }
}
