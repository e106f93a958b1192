package io.gatehouse.core.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class RouteTableTest {

    /** Builds a rule whose target is its id; hosts, headers and query default to none. */
    static RouteRule<String> rule(String id, String path, String... methods) {
        return new RouteRule<>(id, Set.of(methods), List.of(), path, Map.of(), Map.of(), id);
    }

    static RouteRule<String> hostRule(String id, String path, String... hosts) {
        return new RouteRule<>(id, Set.of(), List.of(hosts), path, Map.of(), Map.of(), id);
    }

    static Match.Found<String> found(Match<String> match, String desc) {
        return match instanceof Match.Found<String> found ? found : fail(desc + ": expected a route, got " + match);
    }

    static Match.MethodNotAllowed<String> refused(Match<String> match, String desc) {
        return match instanceof Match.MethodNotAllowed<String> refused ? refused : fail(desc + ": expected 405, got " + match);
    }

    static final RouteTable<String> TABLE = RouteTable.build(List.of(
            rule("root", "/"),
            rule("static-abc", "/a/b/c"),
            rule("param-x-d", "/a/:x/d"),
            rule("catch-a", "/a/*rest"),
            rule("user", "/api/users/:id", "GET"),
            rule("user-write", "/api/users/:id", "PUT", "DELETE"),
            rule("user-posts", "/api/users/:id/posts/:post", "GET"),
            rule("user-me", "/api/users/me", "GET"),
            rule("files", "/files/*path"),
            rule("slash-template", "/t/"),
            rule("first", "/dup"),
            rule("second", "/dup"),
            rule("only-post", "/post-only", "POST"),
            rule("written-decoded", "/caf\u00e9 menu"),
            rule("semicolon", "/v;1"),
            rule("fallback", "/*all", "GET")));

    /** expectedParams null: the expected outcome has no params (404, 405). */
    record Case(String desc, String method, String path, String expectedId, Map<String, String> expectedParams) {
        @Override
        public String toString() {
            return desc + ": " + method + " " + path;
        }
    }

    static Stream<Case> paths() {
        return Stream.of(
                new Case("root", "GET", "/", "root", Map.of()),
                new Case("static beats param and catch-all", "GET", "/a/b/c", "static-abc", Map.of()),
                new Case("backtrack from static to param", "GET", "/a/b/d", "param-x-d", Map.of("x", "b")),
                new Case("param", "GET", "/a/z/d", "param-x-d", Map.of("x", "z")),
                new Case("backtrack to catch-all", "GET", "/a/b/e", "catch-a", Map.of("rest", "b/e")),
                new Case("catch-all below a static prefix", "GET", "/a/b/c/d", "catch-a", Map.of("rest", "b/c/d")),
                new Case("catch-all matches the bare prefix", "GET", "/a", "catch-a", Map.of("rest", "")),
                new Case("catch-all keeps the trailing slash", "GET", "/files/x/y/", "files", Map.of("path", "x/y/")),
                new Case("catch-all with only a slash", "GET", "/files/", "files", Map.of("path", "")),
                new Case("catch-all value keeps escapes", "GET", "/files/a%20b/%C3%BC%3B", "files",
                        Map.of("path", "a%20b/%C3%BC%3B")),
                new Case("param value keeps a kept escape", "GET", "/api/users/a%3Bb", "user", Map.of("id", "a%3Bb")),
                new Case("a template written decoded matches its wire form", "GET", "/caf%C3%A9%20menu",
                        "written-decoded", Map.of()),
                new Case("a literal reserved character matches itself", "GET", "/v;1", "semicolon", Map.of()),
                new Case("its escape is another path", "GET", "/v%3B1", "fallback", Map.of("all", "v%3B1")),
                new Case("static beats param at a leaf", "GET", "/api/users/me", "user-me", Map.of()),
                new Case("param", "GET", "/api/users/42", "user", Map.of("id", "42")),
                new Case("two params", "GET", "/api/users/7/posts/9", "user-posts", Map.of("id", "7", "post", "9")),
                new Case("param with a trailing slash", "GET", "/api/users/42/", "user", Map.of("id", "42")),
                new Case("method picks a rule at the same leaf", "DELETE", "/api/users/42", "user-write", Map.of("id", "42")),
                new Case("method mismatch falls through to a lower-precedence route", "GET", "/post-only", "fallback",
                        Map.of("all", "post-only")),
                new Case("method refused by every route that takes the path", "POST", "/api/users/me", null, null),
                new Case("template trailing slash is insignificant", "GET", "/t", "slash-template", Map.of()),
                new Case("request trailing slash is insignificant", "GET", "/t/", "slash-template", Map.of()),
                new Case("config order breaks a tie", "GET", "/dup", "first", Map.of()),
                new Case("fallback catch-all at root", "GET", "/nothing/else", "fallback", Map.of("all", "nothing/else")),
                new Case("method any", "PATCH", "/a/b/c", "static-abc", Map.of()));
    }

    @ParameterizedTest
    @MethodSource("paths")
    void matchesPaths(Case c) {
        Match<String> match = TABLE.match(c.method(), "h", c.path(), null, null);
        if (c.expectedId() == null) {
            assertInstanceOf(Match.MethodNotAllowed.class, match, c.desc());
            return;
        }
        Match.Found<String> found = found(match, c.desc());
        assertEquals(c.expectedId(), found.rule().id(), c.desc());
        assertEquals(c.expectedParams(), found.params(), c.desc());
    }

    record Refused(String desc, String method, String path, Set<String> allow) {
        @Override
        public String toString() {
            return desc + ": " + method + " " + path;
        }
    }

    static Stream<Refused> refusals() {
        return Stream.of(
                new Refused("union of the methods at the leaf and the fallback", "POST", "/api/users/1",
                        Set.of("GET", "PUT", "DELETE")),
                new Refused("a GET falls through to the fallback, a DELETE is refused by both", "DELETE", "/post-only",
                        Set.of("POST", "GET")),
                new Refused("static leaf, param leaf and fallback all refuse", "POST", "/api/users/me",
                        Set.of("GET", "PUT", "DELETE")),
                new Refused("no route at all for the path", "POST", "/nothing", Set.of("GET")));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void answersMethodNotAllowedWithTheAllowSet(Refused c) {
        Match<String> match = TABLE.match(c.method(), null, c.path(), null, null);
        Match.MethodNotAllowed<String> refused = refused(match, c.desc());
        assertEquals(c.allow(), refused.allow(), c.desc());
    }

    @Test
    void answersNotFoundWhenNoRouteTakesThePath() {
        RouteTable<String> table = RouteTable.build(List.of(rule("a", "/a", "GET"), rule("b", "/b/:x")));
        assertInstanceOf(Match.NotFound.class, table.match("GET", null, "/c", null, null));
        assertInstanceOf(Match.NotFound.class, table.match("GET", null, "/b", null, null));
        assertInstanceOf(Match.NotFound.class, table.match("GET", null, "/b/x/y", null, null));
        assertInstanceOf(Match.NotFound.class, RouteTable.<String>build(List.of()).match("GET", null, "/", null, null));
    }

    record HostCase(String desc, String host, String expectedId) {
        @Override
        public String toString() {
            return desc + ": " + host;
        }
    }

    static Stream<HostCase> hosts() {
        return Stream.of(
                new HostCase("exact beats wildcard and any", "api.example.com", "exact"),
                new HostCase("case and port are ignored", "API.Example.COM:8443", "exact"),
                new HostCase("trailing dot is ignored", "api.example.com.", "exact"),
                new HostCase("longer wildcard beats shorter", "x.eu.example.com", "wild-eu"),
                new HostCase("wildcard matches one label", "b.example.com", "wild"),
                new HostCase("wildcard matches several labels", "a.b.example.com", "wild"),
                new HostCase("wildcard does not match the bare domain", "example.com", "any"),
                new HostCase("other host", "other.org", "any"),
                new HostCase("no host", null, "any"),
                new HostCase("ipv6 with port", "[::1]:8080", "any"));
    }

    @ParameterizedTest
    @MethodSource("hosts")
    void prefersTheMostSpecificHost(HostCase c) {
        // Config order is the reverse of precedence, so only host specificity can explain the result.
        RouteTable<String> table = RouteTable.build(List.of(
                hostRule("any", "/x"),
                hostRule("wild", "/x", "*.example.com"),
                hostRule("wild-eu", "/x", "*.eu.example.com"),
                hostRule("exact", "/x", "API.example.com")));
        Match.Found<String> found = found(table.match("GET", c.host(), "/x", null, null), c.desc());
        assertEquals(c.expectedId(), found.rule().id(), c.desc());
    }

    @Test
    void hostOnlyRoutesAreNotFoundForOtherHosts() {
        RouteTable<String> table = RouteTable.build(List.of(hostRule("wild", "/x", "*.example.com", "example.com")));
        assertInstanceOf(Match.Found.class, table.match("GET", "example.com", "/x", null, null));
        assertInstanceOf(Match.NotFound.class, table.match("GET", "evil-example.com", "/x", null, null));
        assertInstanceOf(Match.NotFound.class, table.match("GET", null, "/x", null, null));
    }

    record PredicateCase(String desc, Map<String, String> headers, Map<String, String> query, String expectedId) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<PredicateCase> predicates() {
        return Stream.of(
                new PredicateCase("exact header value", Map.of("x-version", "2"), Map.of(), "v2"),
                new PredicateCase("header with another value", Map.of("x-version", "3"), Map.of(), "plain"),
                new PredicateCase("any header value", Map.of("x-canary", "yes"), Map.of(), "canary"),
                new PredicateCase("exact query value", Map.of(), Map.of("format", "csv"), "csv"),
                new PredicateCase("query name is case-sensitive", Map.of(), Map.of("FORMAT", "csv"), "plain"),
                new PredicateCase("query present with any value", Map.of(), Map.of("debug", ""), "debug"),
                new PredicateCase("nothing", Map.of(), Map.of(), "plain"));
    }

    @ParameterizedTest
    @MethodSource("predicates")
    void filtersByHeaderAndQueryPredicates(PredicateCase c) {
        RouteTable<String> table = RouteTable.build(List.of(
                new RouteRule<>("v2", Set.of(), List.of(), "/p", Map.of("X-Version", "2"), Map.of(), "v2"),
                new RouteRule<>("canary", Set.of(), List.of(), "/p", Map.of("X-Canary", "*"), Map.of(), "canary"),
                new RouteRule<>("csv", Set.of(), List.of(), "/p", Map.of(), Map.of("format", "csv"), "csv"),
                new RouteRule<>("debug", Set.of(), List.of(), "/p", Map.of(), Map.of("debug", "*"), "debug"),
                rule("plain", "/p")));
        // The caller's header lookup is case-insensitive; simulate it over lower-cased keys.
        Match<String> match = table.match("GET", null, "/p",
                name -> c.headers().get(name.toLowerCase(Locale.ROOT)), c.query()::get);
        assertEquals(c.expectedId(), found(match, c.desc()).rule().id(), c.desc());
    }

    @Test
    void failedPredicatesDoNotCountTowardsMethodNotAllowed() {
        RouteTable<String> table = RouteTable.build(List.of(
                new RouteRule<>("v2", Set.of("PUT"), List.of(), "/p", Map.of("x-version", "2"), Map.of(), "v2"),
                rule("get", "/p", "GET")));
        Match<String> match = table.match("POST", null, "/p", name -> null, name -> null);
        assertEquals(Set.of("GET"), refused(match, "405").allow());
    }

    @Test
    void methodsAreUpperCasedAtBuild() {
        RouteTable<String> table = RouteTable.build(List.of(rule("r", "/r", "get")));
        assertInstanceOf(Match.Found.class, table.match("GET", null, "/r", null, null));
    }

    @Test
    void matchesCorrectlyAmongTenThousandRoutes() {
        List<RouteRule<String>> rules = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            rules.add(rule("svc" + i, "/svc" + i + "/items/:id", "GET"));
            if (i % 100 == 0) {
                rules.add(hostRule("tenant" + i, "/svc" + i + "/*rest", "t" + i + ".example.com"));
            }
        }
        RouteTable<String> table = RouteTable.build(rules);
        for (int i = 0; i < 10_000; i += 37) {
            Match<String> match = table.match("GET", "h", "/svc" + i + "/items/" + i, null, null);
            Match.Found<String> found = found(match, "route " + i);
            assertEquals("svc" + i, found.target());
            assertEquals(Map.of("id", String.valueOf(i)), found.params());
        }
        Match.Found<String> tenant = found(
                table.match("GET", "t4200.example.com", "/svc4200/other", null, null), "tenant");
        assertEquals("tenant4200", tenant.rule().id());
        assertInstanceOf(Match.NotFound.class, table.match("GET", "h", "/svc10000/items/1", null, null));
    }

    record BadRule(String desc, RouteRule<String> rule, String messagePart) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<BadRule> badRules() {
        return Stream.of(
                new BadRule("relative template", rule("r", "a/b"), "must start with '/'"),
                new BadRule("empty param name", rule("r", "/a/:"), "empty parameter name"),
                new BadRule("empty catch-all name", rule("r", "/a/*"), "empty parameter name"),
                new BadRule("catch-all not last", rule("r", "/a/*rest/b"), "must be the last segment"),
                new BadRule("duplicate param", rule("r", "/a/:id/b/:id"), "duplicate parameter name 'id'"),
                new BadRule("bad param name", rule("r", "/a/:id.json"), "must match"),
                new BadRule("empty segment", rule("r", "/a//b"), "empty segment"),
                new BadRule("encoded template", rule("r", "/a%20b"), "'%' is not allowed"),
                new BadRule("dot segment", rule("r", "/a/../b"), "dot segments"),
                new BadRule("host with port", hostRule("r", "/a", "example.com:80"), "without port"),
                new BadRule("wildcard in the middle", hostRule("r", "/a", "api.*.com"), "only allowed as a whole first label"),
                new BadRule("empty method", rule("r", "/a", " "), "empty method name"));
    }

    @ParameterizedTest
    @MethodSource("badRules")
    void rejectsInvalidRulesNamingTheRoute(BadRule c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RouteTable.build(List.of(rule("ok", "/ok"), c.rule())), c.desc());
        assertTrue(e.getMessage().startsWith("route 'r': "), e.getMessage());
        assertTrue(e.getMessage().contains(c.messagePart()), () -> c.desc() + " -> " + e.getMessage());
    }
}
