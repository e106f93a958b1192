package io.gatehouse.core.chain;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import io.gatehouse.core.testing.plugins.FaultPlugins;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A filter that calls {@code proceed} and then drops the upstream's response, without reading or closing it, does
 * not leave the upstream connection open until the garbage collector finds it: the chain closes it. Counted at the
 * upstream: after many such requests, none of its connections is still open.
 */
class DroppedResponseIT {

    private static final int REQUESTS = 50;
    private static final String MEGABYTE = "x".repeat(1024 * 1024);

    /**
     * @param desc   what the filter does
     * @param path   the route with that filter
     * @param status what the client gets
     */
    record Case(String desc, String path, int status) {
        @Override
        public String toString() {
            return desc;
        }
    }

    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok(MEGABYTE));
        gateway = GatewayFixture.start(FaultPlugins.home(), """
                upstreams:
                  big:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                routes:
                  - { id: replace, match: { path: /replace }, upstream: big, filters: [ drop_response: { mode: replace } ] }
                  - { id: throw, match: { path: /throw }, upstream: big, filters: [ drop_response: { mode: throw } ] }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<Case> cases() {
        return Stream.of(new Case("a filter returns its own response", "/replace", 200),
                new Case("a filter throws after proceed", "/throw", 500));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theUpstreamConnectionOfADroppedResponseIsClosed(Case c) throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> response = gateway.get(c.path());
            assertEquals(c.status(), response.statusCode(), response.body());
        }

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (upstream.open() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertEquals(0, upstream.open(), "upstream connections still open after " + REQUESTS + " dropped responses");
    }
}
