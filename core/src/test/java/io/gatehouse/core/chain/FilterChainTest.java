package io.gatehouse.core.chain;

import io.gatehouse.api.Body;
import io.gatehouse.api.Completion;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The chain closes every response it produced that is not the one finally returned, and nothing that is still in
 * use: a response a filter dropped is closed when the filter returns, unless the filter took its stream (then it
 * may be inside what the filter returned, and is closed when the exchange is complete).
 */
class FilterChainTest {

    /** When the upstream's body is closed. */
    enum Closed { NEVER, WHEN_THE_FILTER_RETURNS, WHEN_THE_EXCHANGE_COMPLETES }

    /**
     * @param desc    what the filter does with the response {@code proceed} gave it
     * @param filters the filters, outermost first
     * @param closed  when the upstream's body must be closed
     */
    record Case(String desc, List<Filter> filters, Closed closed) {
        @Override
        public String toString() {
            return desc;
        }
    }

    private static final Filter PASS = (exchange, chain) -> chain.proceed(exchange);
    private static final Filter REPLACE = (exchange, chain) -> {
        chain.proceed(exchange);
        return Response.text(200, "mine");
    };

    static Stream<Case> cases() {
        return Stream.of(
                new Case("returns it", List.of(PASS), Closed.NEVER),
                new Case("changes its headers", List.of((exchange, chain) -> {
                    Response response = chain.proceed(exchange);
                    response.headers().set("X-Seen", "yes");
                    return response;
                }), Closed.NEVER),
                new Case("returns its body in a new response", List.of((exchange, chain) -> {
                    Response response = chain.proceed(exchange);
                    return new Response(201, new Headers(), response.body());
                }), Closed.NEVER),
                new Case("replaces it", List.of(REPLACE), Closed.WHEN_THE_FILTER_RETURNS),
                new Case("replaces it, behind a filter that passes", List.of(PASS, REPLACE),
                        Closed.WHEN_THE_FILTER_RETURNS),
                new Case("throws after proceed", List.of((exchange, chain) -> {
                    chain.proceed(exchange);
                    throw new IllegalStateException("boom");
                }), Closed.WHEN_THE_FILTER_RETURNS),
                new Case("returns null after proceed", List.of((exchange, chain) -> {
                    chain.proceed(exchange);
                    return null;
                }), Closed.WHEN_THE_FILTER_RETURNS),
                new Case("wraps its stream in a new body", List.of((exchange, chain) -> {
                    Response response = chain.proceed(exchange);
                    InputStream upper = response.body().stream();
                    return new Response(200, new Headers(), Body.of(upper, -1));
                }), Closed.WHEN_THE_EXCHANGE_COMPLETES));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void closesWhatNoOneReturnsAndNothingElse(Case c) throws Exception {
        UpstreamLikeBody upstream = new UpstreamLikeBody();
        FilterChain chain = new FilterChain(c.filters().stream()
                .map(f -> new FilterChain.NamedFilter("f", f)).toList(),
                exchange -> new Response(200, new Headers(), upstream));
        GatewayExchange exchange = new GatewayExchange("id", new Request("GET", "http", "h", "/", "", new Headers(),
                Body.empty()), "route", Map.of(), "127.0.0.1", "127.0.0.1", System.nanoTime());

        try {
            chain.run(exchange);
        } catch (IllegalStateException expected) {
            assertEquals(Closed.WHEN_THE_FILTER_RETURNS, c.closed(), "only the failing filters throw");
        }
        assertEquals(c.closed() == Closed.WHEN_THE_FILTER_RETURNS ? 1 : 0, upstream.closes, "when the filter returns");

        exchange.complete(new Completion(200, 0, Duration.ZERO, Completion.Outcome.OK, Optional.empty()));
        assertEquals(c.closed() == Closed.NEVER ? 0 : 1, upstream.closes, "once the exchange is complete");
    }

    @Test
    void aFilterThatThrowsIsNotMaskedByTheClose() {
        Filter throwing = (exchange, chain) -> {
            chain.proceed(exchange);
            throw new IllegalArgumentException("the filter's own failure");
        };
        FilterChain chain = new FilterChain(List.of(new FilterChain.NamedFilter("f", throwing)),
                exchange -> new Response(200, new Headers(), new UpstreamLikeBody() {
                    @Override
                    public void close() {
                        throw new IllegalStateException("closing failed too");
                    }
                }));
        GatewayExchange exchange = new GatewayExchange("id", new Request("GET", "http", "h", "/", "", new Headers(),
                Body.empty()), "route", Map.of(), "127.0.0.1", "127.0.0.1", System.nanoTime());

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> chain.run(exchange));
        assertEquals("the filter's own failure", thrown.getMessage());
    }

    @Test
    void theFilterThatThrewIsNamedWithItsPlaceNotTheOnesItPassedThrough() {
        Filter passing = (exchange, chain) -> chain.proceed(exchange);
        Filter throwing = (exchange, chain) -> {
            throw new NullPointerException("tenant");
        };
        FilterChain chain = new FilterChain(List.of(new FilterChain.NamedFilter("request_id", passing),
                new FilterChain.NamedFilter("audit", passing, "filter.audit at routes[0].filters[0].audit"),
                new FilterChain.NamedFilter("tenant", throwing, "filter.tenant at routes[0].filters[1].tenant")),
                exchange -> new Response(200, new Headers(), Body.empty()));
        GatewayExchange exchange = new GatewayExchange("id", new Request("GET", "http", "h", "/", "", new Headers(),
                Body.empty()), "route", Map.of(), "127.0.0.1", "127.0.0.1", System.nanoTime());

        NullPointerException thrown = assertThrows(NullPointerException.class, () -> chain.run(exchange));
        assertEquals("filter.tenant at routes[0].filters[1].tenant (3rd of 3 in the chain)",
                exchange.filterFailureSite(thrown));
        assertEquals(null, exchange.filterFailureSite(new NullPointerException("another")));
    }

    @Test
    void aFailureOfTheUpstreamIsNoFiltersDoing() {
        Filter passing = (exchange, chain) -> chain.proceed(exchange);
        FilterChain chain = new FilterChain(List.of(new FilterChain.NamedFilter("audit", passing, "filter.audit")),
                exchange -> {
                    throw new IllegalStateException("terminal");
                });
        GatewayExchange exchange = new GatewayExchange("id", new Request("GET", "http", "h", "/", "", new Headers(),
                Body.empty()), "route", Map.of(), "127.0.0.1", "127.0.0.1", System.nanoTime());

        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> chain.run(exchange));
        assertEquals(null, exchange.filterFailureSite(thrown));
    }

    /** A body that counts its closes and knows whether its stream was taken, as an upstream's does. */
    private static class UpstreamLikeBody implements TrackedBody {
        int closes;
        private boolean taken;

        @Override
        public InputStream stream() {
            taken = true;
            return new ByteArrayInputStream("upstream".getBytes());
        }

        @Override
        public long length() {
            return 8;
        }

        @Override
        public boolean streamTaken() {
            return taken;
        }

        @Override
        public void close() {
            closes++;
        }
    }
}
