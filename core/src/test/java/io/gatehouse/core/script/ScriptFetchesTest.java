package io.gatehouse.core.script;

import io.gatehouse.api.Body;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.UpstreamCalls;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The gateway-wide fetch permits: beyond them a fetch is refused at once, and every fetch gives its permit back. */
class ScriptFetchesTest {

    record Case(String desc, int permits, int fetches, List<String> outcomes, int upstreamCalls) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no permit left: refused without calling the upstream", 0, 1,
                        List.of("fetch_overload 503"), 0),
                new Case("one permit, three fetches one after the other: each gives it back", 1, 3,
                        List.of("ok 200", "ok 200", "ok 200"), 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void permits(Case c) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        UpstreamCalls upstreams = new UpstreamCalls() {
            @Override
            public Set<String> names() {
                return Set.of("users");
            }

            @Override
            public Response call(String upstream, Request request, Duration timeout, GatewayExchange parent) {
                calls.incrementAndGet();
                return new Response(200, new Headers(), Body.of("ok"));
            }
        };
        Request request = new Request("GET", "http", "localhost", "/", "", new Headers(), Body.empty());
        GatewayExchange exchange = new GatewayExchange("r1", request, "route", Map.of(), "127.0.0.1",
                "127.0.0.1:1", System.nanoTime());
        Semaphore permits = new Semaphore(c.permits());
        ScriptFetches fetches = new ScriptFetches(upstreams, exchange, permits, 1024);
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < c.fetches(); i++) {
            fetches.submit(new ScriptFetches.Fetch("users", request, Duration.ofSeconds(5),
                    response -> outcomes.add("ok " + response.status()),
                    (code, detail, status) -> outcomes.add(code + " " + status)));
            fetches.next().run();
        }
        assertEquals(c.outcomes(), outcomes);
        assertEquals(c.upstreamCalls(), calls.get());
        assertEquals(0, fetches.pending());
        assertEquals(c.permits(), permits.availablePermits(), "permits given back");
    }
}
