package io.gatehouse.core.route;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The contract docs/plugins.md states: a route's filters run before its {@code strip_prefix} and {@code rewrite},
 * so a path-based filter sees the path the client sent (the one the route matched), and the upstream the stripped
 * or rewritten one.
 */
class FilterSeesClientPathIT {

    private static final String SEEN = """
            export function filter(exchange, chain) {
                exchange.request.headers.set('X-Seen-Path', exchange.request.path);
                return chain.proceed(exchange);
            }
            """;

    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("ok"));
        Path home = Files.createTempDirectory("gatehouse-filter-path");
        Files.createDirectories(home.resolve("scripts"));
        Files.writeString(home.resolve("scripts/seen.js"), SEEN);
        gateway = GatewayFixture.start(home, """
                upstreams:
                  raw: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: strip, match: { path: /api/*rest }, upstream: raw, strip_prefix: 1, filters: [ { script: seen.js } ] }
                  - { id: users, match: { path: /v1/users/:id }, upstream: raw, rewrite: /users/:id, filters: [ { script: seen.js } ] }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"/api/orders/7, /orders/7", "/v1/users/42, /users/42"})
    void aFilterSeesTheClientsPathAndTheUpstreamTheStrippedOrRewrittenOne(String sent, String forwarded)
            throws Exception {
        assertEquals(200, gateway.get(sent).statusCode());
        RawUpstream.Received received = upstream.received().getLast();
        assertEquals("GET " + forwarded + " HTTP/1.1", received.requestLine());
        assertEquals(sent, received.header("X-Seen-Path"));
    }
}
