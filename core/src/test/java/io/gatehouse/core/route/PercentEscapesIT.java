package io.gatehouse.core.route;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Percent-escapes through a real gateway to an upstream that records exactly what it received: reserved escapes
 * reach it as sent (upper-cased), and no spelling of {@code /admin/...} gets past the filter of the admin route.
 */
class PercentEscapesIT {

    /** Answers 403 with the path it saw: stands in for an auth filter on /admin. */
    private static final String GUARD = """
            export function filter(exchange, chain) {
                return { status: 403, body: 'guarded ' + exchange.request.path };
            }
            """;

    /** Shows what a script sees of the path and its params, then builds a new path from a param. */
    private static final String VIEW = """
            export function filter(exchange, chain) {
                const request = exchange.request;
                request.headers.set('X-Seen-Path', request.path);
                request.headers.set('X-Seen-Id', request.params.id);
                request.path = '/seen/' + request.params.id;
                return chain.proceed(exchange);
            }
            """;

    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("upstream"));
        Path home = Files.createTempDirectory("gatehouse-escapes");
        Files.createDirectories(home.resolve("scripts"));
        Files.writeString(home.resolve("scripts/guard.js"), GUARD);
        Files.writeString(home.resolve("scripts/view.js"), VIEW);
        gateway = GatewayFixture.start(home, """
                upstreams:
                  raw: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: admin,  match: { path: /admin/*rest }, upstream: raw, filters: [ { script: guard.js } ] }
                  - { id: users,  match: { path: /api/users/:id }, upstream: raw, rewrite: /users/:id }
                  - { id: strip,  match: { path: /strip/*rest }, upstream: raw, strip_prefix: 1 }
                  - { id: script, match: { path: /script/:id }, upstream: raw, filters: [ { script: view.js } ] }
                  - { id: all,    match: { path: /*rest }, upstream: raw }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /**
     * @param expected for 200 the request line the upstream received, for 403 the guard's body (the path the
     *                 admin route's filter saw), for 400 nothing: the upstream must receive nothing either (which
     *                 layer refuses, the listener's parser or the normaliser, is not this test's business)
     */
    record Variant(String desc, String target, int status, String expected) {
        @Override
        public String toString() {
            return desc + ": " + target;
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                // reserved escapes are kept: a different path, forwarded as sent with upper-case hex
                new Variant("escaped semicolon", "/admin%3b/x", 200, "GET /admin%3B/x HTTP/1.1"),
                new Variant("escaped semicolon, upper case", "/admin%3B/x", 200, "GET /admin%3B/x HTTP/1.1"),
                new Variant("escaped plus", "/admin%2b/x", 200, "GET /admin%2B/x HTTP/1.1"),
                new Variant("escaped equals", "/admin%3d1/x", 200, "GET /admin%3D1/x HTTP/1.1"),
                new Variant("escaped space", "/admin%20/x", 200, "GET /admin%20/x HTTP/1.1"),
                new Variant("double-encoded letter stays one level", "/%2561dmin/x", 200,
                        "GET /%2561dmin/x HTTP/1.1"),
                new Variant("utf-8 escape", "/caf%c3%a9", 200, "GET /caf%C3%A9 HTTP/1.1"),
                // spellings of /admin/... all reach the admin route's filter, which sees the normalised path
                new Variant("plain", "/admin/x", 403, "guarded /admin/x"),
                new Variant("escaped unreserved letter", "/%61dmin/x", 403, "guarded /admin/x"),
                new Variant("every letter escaped, mixed case", "/%61%64%6d%69%6E/x", 403, "guarded /admin/x"),
                new Variant("escaped tilde is decoded", "/admin/%7Ex", 403, "guarded /admin/~x"),
                new Variant("kept escape inside the route", "/admin/a%3bb", 403, "guarded /admin/a%3Bb"),
                new Variant("dot-dot", "/x/../admin/x", 403, "guarded /admin/x"),
                new Variant("escaped dot-dot", "/x/%2e%2e/admin/x", 403, "guarded /admin/x"),
                new Variant("escaped dot-dot, upper case", "/x/%2E%2E/admin/x", 403, "guarded /admin/x"),
                new Variant("half-escaped dot-dot", "/x/.%2e/admin/x", 403, "guarded /admin/x"),
                new Variant("escaped dot", "/%2e/admin/x", 403, "guarded /admin/x"),
                new Variant("double slash", "//admin//x", 403, "guarded /admin/x"),
                new Variant("bare prefix", "/admin", 403, "guarded /admin"),
                // what could be read two ways is refused
                new Variant("escaped slash", "/admin%2fx", 400, null),
                new Variant("escaped slash, upper case", "/admin%2Fx", 400, null),
                new Variant("escaped slash after dot-dot", "/x/..%2Fadmin/x", 400, null),
                new Variant("escaped backslash", "/x/..%5Cadmin/x", 400, null),
                new Variant("dot-dot with a parameter", "/x/..;/admin/x", 400, null),
                new Variant("dot-dot with an escaped parameter", "/x/..%3b/admin/x", 400, null),
                new Variant("overlong utf-8 dots", "/x/%c0%ae%c0%ae/admin/x", 400, null),
                new Variant("escaped NUL", "/admin%00/x", 400, null),
                new Variant("climb above the root", "/%2e%2e/admin/x", 400, null),
                new Variant("malformed escape", "/admin%zz/x", 400, null));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void noSpellingOfAPathBypassesItsRoute(Variant v) throws IOException {
        int before = upstream.received().size();
        RawClient.RawResponse response = get(v.target());
        assertEquals(v.status(), response.status(), () -> v + " -> " + response.bodyText());
        List<RawUpstream.Received> received = upstream.received();
        switch (v.status()) {
            case 200 -> {
                assertEquals(before + 1, received.size(), v.desc());
                assertEquals(v.expected(), received.getLast().requestLine(), v.desc());
            }
            case 403 -> {
                assertEquals(v.expected(), response.bodyText(), v.desc());
                assertEquals(before, received.size(), v.desc() + ": nothing reaches the upstream");
            }
            default -> assertEquals(before, received.size(), v.desc() + ": nothing reaches the upstream");
        }
    }

    @Test
    void aKeptEscapeInAParamStaysEncodedThroughRewriteStripPrefixAndScripts() throws IOException {
        assertEquals("GET /users/a%3Bb HTTP/1.1", forwarded("/api/users/a%3bb").requestLine(), "rewrite");
        assertEquals("GET /a%3B/b%2B HTTP/1.1", forwarded("/strip/a%3b/b%2b").requestLine(), "strip_prefix");
        RawUpstream.Received viaScript = forwarded("/script/a%3bb");
        assertEquals("GET /seen/a%3Bb HTTP/1.1", viaScript.requestLine(), "a path a script built from a param");
        assertEquals("/script/a%3Bb", viaScript.header("X-Seen-Path"));
        assertEquals("a%3Bb", viaScript.header("X-Seen-Id"));
    }

    private static RawUpstream.Received forwarded(String target) throws IOException {
        int before = upstream.received().size();
        RawClient.RawResponse response = get(target);
        assertEquals(200, response.status(), () -> target + " -> " + response.bodyText());
        List<RawUpstream.Received> received = upstream.received();
        assertEquals(before + 1, received.size(), target);
        return received.getLast();
    }

    private static RawClient.RawResponse get(String target) throws IOException {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            return client.send("GET " + target + " HTTP/1.1\r\nHost: gateway.test\r\nConnection: close\r\n\r\n")
                    .read();
        }
    }
}
