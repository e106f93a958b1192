package io.gatehouse.core.observe.timing;

import io.gatehouse.api.Body;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.observe.RequestObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerTimingTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "999, 0",
        "1000, 0.001",
        "12000, 0.012",
        "120000, 0.12",
        "1000000, 1",
        "12500000, 12.5",
        "1234567890, 1234.567",
        "-5, 0"})
    void millisecondsWithUpToThreeDecimals(long nanos, String expected) {
        assertEquals(expected, ServerTiming.millis(nanos));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jwt|jwt",
        "script#2|script#2",
        "strip_prefix|strip_prefix",
        "a b|a_b;desc=\"a b\"",
        "say \"hi\"|say__hi_;desc=\"say \\\"hi\\\"\"",
        "x,y;z=1|x_y_z_1;desc=\"x,y;z=1\""})
    void namesBecomeTokens(String name, String expected) {
        assertEquals(expected, ServerTiming.metric(name));
    }

    private static GatewayExchange exchange() {
        Request request = new Request("GET", "http", "localhost", "/x", "", new Headers(), Body.empty());
        return new GatewayExchange("id", request, "timed", Map.of(), "127.0.0.1", "127.0.0.1",
                System.nanoTime() - 5_000_000);
    }

    private static final ServerTiming TIMING = new ServerTiming();

    /** @return the observer Server-Timing makes for route {@code id} of a config with an opted-in route */
    private static RequestObserver forRoute(String id, List<String> filterNames) throws Exception {
        io.gatehouse.core.config.GatewayConfig config = ConfigLoader.parse("""
                upstreams: { u: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:1" } ] } } }
                routes:
                  - { id: timed, match: { path: /t }, upstream: u, server_timing: true }
                  - { id: quiet, match: { path: /q }, upstream: u }
                """, "test", Map.of());
        return TIMING.forRoute(config.routes().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(),
                filterNames);
    }

    @Test
    void onlyOptedInRoutesGetAnObserver() throws Exception {
        assertSame(RequestObserver.NOOP, forRoute("quiet", List.of("jwt")));
        assertSame(RequestObserver.NOOP, TIMING.forChain("", List.of("jwt")));
        assertSame(RequestObserver.NOOP, TIMING.forChain("unknown", List.of("jwt")));
        assertTrue(forRoute("timed", List.of("jwt")) != RequestObserver.NOOP);
    }

    @Test
    void filtersThatRanTheUpstreamAndTheTotalInChainOrder() throws Exception {
        RequestObserver observer = forRoute("timed", List.of("jwt", "script", "script", "never"));
        GatewayExchange exchange = exchange();
        observer.filterDone(exchange, 2, 0, 0, 250_000, false);
        observer.filterDone(exchange, 1, 0, 0, 1_500_000, false);
        observer.filterDone(exchange, 0, 0, 0, 12_000, false);
        observer.attemptDone(exchange, null, null, 0, 0, 2_000_000, RequestObserver.AttemptOutcome.UNREACHABLE);
        observer.attemptDone(exchange, null, null, 1, 0, 3_000_000, RequestObserver.AttemptOutcome.SUCCESS);
        Response response = Response.text(200, "ok");
        response.headers().add("Server-Timing", "db;dur=1");
        observer.responding(exchange, response);
        List<String> values = response.headers().all("Server-Timing");
        assertEquals("db;dur=1", values.get(0));
        assertTrue(values.get(1).matches("jwt;dur=0\\.012, script#1;dur=1\\.5, script#2;dur=0\\.25, "
                + "upstream;dur=5, total;dur=[0-9.]+"), values.get(1));
    }

    @Test
    void aResponseBeforeAnyFilterRanHasTheTotalOnly() throws Exception {
        RequestObserver observer = forRoute("timed", List.of("jwt"));
        Response response = Response.text(503, "shed");
        observer.responding(exchange(), response);
        assertTrue(response.headers().first("Server-Timing").orElseThrow().matches("total;dur=[0-9.]+"));
    }
}
