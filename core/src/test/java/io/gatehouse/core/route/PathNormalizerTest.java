package io.gatehouse.core.route;

import io.gatehouse.api.GatewayException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
                new Case("double slash", "//x", "/x"),
                new Case("slash runs inside", "/a///b//c", "/a/b/c"),
                new Case("encoded dot-dot inside", "/a/%2e%2e/b", "/b"),
                new Case("mixed-case encoded dot-dot", "/a/%2E./b", "/b"),
                new Case("dot", "/a/./b", "/a/b"),
                new Case("auth bypass attempt", "/admin/../x", "/x"),
                new Case("trailing slash kept", "/a/b/", "/a/b/"),
                new Case("trailing dot-dot", "/a/b/..", "/a/"),
                new Case("trailing dot", "/a/b/.", "/a/b/"),
                new Case("back to root", "/a/..", "/"),
                new Case("double slash then dot-dot", "/a//../b", "/b"),
                new Case("dots in a name", "/a/..b/.c/...", "/a/..b/.c/..."),
                new Case("semicolon in a normal segment", "/a;v=1/b", "/a;v=1/b"),
                new Case("a kept escape after a name with dots", "/a/..b%3bx", "/a/..b%3Bx"),
                // unreserved escapes are decoded (RFC 3986 6.2.2.2)
                new Case("unreserved escape", "/%61", "/a"),
                new Case("upper-case letter", "/%41", "/A"),
                new Case("digit", "/v%31", "/v1"),
                new Case("tilde", "/%7E", "/~"),
                new Case("lower-case tilde", "/%7e", "/~"),
                new Case("hyphen, dot, underscore", "/a%2D%2E%5Fb", "/a-._b"),
                new Case("whole word", "/%61%64%6D%69%6E/x", "/admin/x"),
                // every other escape is kept, upper-cased
                new Case("semicolon, lower case", "/admin%3b/x", "/admin%3B/x"),
                new Case("semicolon", "/admin%3B/x", "/admin%3B/x"),
                new Case("plus", "/a%2Bb", "/a%2Bb"),
                new Case("equals", "/a%3Db", "/a%3Db"),
                new Case("at", "/a%40b", "/a%40b"),
                new Case("exclamation", "/a%21b", "/a%21b"),
                new Case("dollar", "/a%24b", "/a%24b"),
                new Case("ampersand", "/a%26b", "/a%26b"),
                new Case("apostrophe", "/a%27b", "/a%27b"),
                new Case("open paren", "/a%28b", "/a%28b"),
                new Case("close paren", "/a%29b", "/a%29b"),
                new Case("asterisk", "/a%2Ab", "/a%2Ab"),
                new Case("lower-case asterisk", "/a%2ab", "/a%2Ab"),
                new Case("comma", "/a%2Cb", "/a%2Cb"),
                new Case("lower-case comma", "/a%2cb", "/a%2Cb"),
                new Case("colon", "/a%3Ab", "/a%3Ab"),
                new Case("lower-case colon", "/a%3ab", "/a%3Ab"),
                new Case("percent", "/100%25", "/100%25"),
                new Case("encoded percent stays one level", "/%252e%252e/x", "/%252e%252e/x"),
                new Case("mixed case in one path", "/%3b%3B%3d%7e%41", "/%3B%3B%3D~A"),
                new Case("encoded space", "/a%20b", "/a%20b"),
                new Case("encoded question mark", "/a%3fb", "/a%3Fb"),
                new Case("encoded hash", "/a%23b", "/a%23b"),
                // raw characters outside pchar are encoded, so raw and escaped are one path
                new Case("raw double quote", "/a\"b", "/a%22b"),
                new Case("raw braces", "/{x}", "/%7Bx%7D"),
                new Case("raw space", "/a b", "/a%20b"),
                new Case("raw sub-delims kept", "/a!$&'()*+,;=:@b", "/a!$&'()*+,;=:@b"),
                // non-ASCII: valid UTF-8 escapes are kept, upper-cased
                new Case("utf-8", "/%C3%BC", "/%C3%BC"),
                new Case("lower-case utf-8", "/%c3%bc", "/%C3%BC"),
                new Case("three-byte utf-8", "/%e2%82%ac", "/%E2%82%AC"),
                new Case("four-byte utf-8", "/%F0%9F%98%80", "/%F0%9F%98%80"),
                new Case("utf-8 next to ASCII escapes", "/%41%C3%BC%3b", "/A%C3%BC%3B"));
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
                new Bad("non-latin digits are not hex", "/%\u0663\u0663", "malformed percent-escape"),
                new Bad("NUL", "/a%00", "U+0000"),
                new Bad("encoded newline", "/a%0Ab", "U+000A"),
                new Bad("raw tab", "/a\tb", "U+0009"),
                new Bad("DEL", "/a%7F", "U+007F"),
                new Bad("C1 control", "/a%C2%85", "U+0085"),
                new Bad("raw C1 control", "/a\u0085", "U+0085"),
                new Bad("invalid utf-8", "/%C3", "not valid UTF-8"),
                new Bad("continuation byte alone", "/%BC", "not valid UTF-8"),
                new Bad("overlong dot", "/%C0%AE%C0%AE/x", "not valid UTF-8"),
                new Bad("lower-case overlong dot", "/%c0%ae", "not valid UTF-8"),
                new Bad("encoded surrogate", "/%ED%A0%80", "not valid UTF-8"),
                new Bad("escape split by a raw char", "/%C3x%BC", "not valid UTF-8"),
                new Bad("escape split by an ASCII escape", "/%C3%41%BC", "not valid UTF-8"),
                new Bad("raw non-ASCII", "/\u00fc", "raw non-ASCII character at offset 1"),
                new Bad("literal backslash", "/a\\..\\b", "backslash"),
                new Bad("encoded backslash", "/a%5C..%5Cb", "backslash"),
                new Bad("lower-case encoded backslash", "/a%5c", "backslash"),
                new Bad("tomcat dot-dot parameter", "/public/..;/admin", "dot segment with a parameter"),
                new Bad("dot parameter", "/a/.;x/b", "dot segment with a parameter"),
                new Bad("dot with an encoded parameter", "/a/.%3bx/b", "dot segment with a parameter"),
                new Bad("dot-dot with an encoded parameter", "/public/..%3b/admin", "dot segment with a parameter"),
                new Bad("encoded dot-dot with an encoded parameter", "/public/%2e%2E%3B/admin",
                        "dot segment with a parameter"),
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
                new Case("utf-8", "/\u00fc", "/%C3%BC"),
                new Case("lone percent", "/100%", "/100%25"),
                new Case("percent before non-hex", "/50%off", "/50%25off"),
                new Case("truncated escape", "/%4", "/%254"),
                new Case("kept escape not encoded again", "/admin%3B/x", "/admin%3B/x"),
                new Case("kept escape upper-cased", "/admin%3b/x", "/admin%3B/x"),
                new Case("utf-8 escape kept", "/%c3%bc", "/%C3%BC"),
                new Case("an escape is not decoded", "/%41", "/%41"),
                new Case("query and fragment chars", "/a?b#c", "/a%3Fb%23c"),
                new Case("pchar kept", "/a:b@c!$&'()*+,;=-._~", "/a:b@c!$&'()*+,;=-._~"),
                new Case("unsafe ascii", "/\"<>{}|^`[]", "/%22%3C%3E%7B%7D%7C%5E%60%5B%5D"),
                new Case("trailing slash", "/a/", "/a/"));
    }

    @ParameterizedTest
    @MethodSource("encoded")
    void encodes(Case c) {
        assertEquals(c.expected(), PathNormalizer.encode(c.raw()), c.desc());
    }

    /** The wire form of a normalised path is the path itself, and normalising it again changes nothing. */
    @ParameterizedTest
    @MethodSource("normalised")
    void aNormalisedPathIsItsOwnWireForm(Case c) {
        String wire = PathNormalizer.encode(c.expected());
        assertEquals(c.expected(), wire, c.desc());
        assertEquals(c.expected(), PathNormalizer.normalize(wire), c.desc() + " round trip");
    }

    record Distinct(String desc, String one, String other) {
        @Override
        public String toString() {
            return desc + ": " + one + " / " + other;
        }
    }

    /** Raw paths an upstream may read differently must not become one path, or one route decision. */
    static Stream<Distinct> distinct() {
        return Stream.of(
                new Distinct("path parameter vs escaped semicolon", "/admin;/x", "/admin%3b/x"),
                new Distinct("plus vs escaped plus", "/a+b", "/a%2Bb"),
                new Distinct("equals vs escaped equals", "/a=b", "/a%3Db"),
                new Distinct("at vs escaped at", "/a@b", "/a%40b"),
                new Distinct("colon vs escaped colon", "/a:b", "/a%3Ab"),
                new Distinct("percent vs double-encoded percent", "/%25", "/%2525"),
                new Distinct("escaped dot-dot vs double-encoded", "/a/%2e%2e/b", "/a/%252e%252e/b"));
    }

    @ParameterizedTest
    @MethodSource("distinct")
    void keepsApartWhatAnUpstreamMayReadDifferently(Distinct c) {
        assertNotEquals(PathNormalizer.normalize(c.one()), PathNormalizer.normalize(c.other()), c.desc());
    }
}
