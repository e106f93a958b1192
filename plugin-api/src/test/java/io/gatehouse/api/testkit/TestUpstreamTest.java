package io.gatehouse.api.testkit;

import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestUpstreamTest {

    @Test
    void theUpstreamGetsTheRequestAsTheFilterLeftItAndTheClientGetsTheFilteredResponse() throws Exception {
        Filter filter = (exchange, chain) -> {
            exchange.request().headers().set("X-Added", "1");
            exchange.request().path("/rewritten");
            Response response = chain.proceed(exchange);
            response.headers().set("X-Seen", "yes");
            return response;
        };
        try (TestUpstream upstream = TestUpstream.start(received -> Response.text(201, "got " + received.bodyText()))) {
            TestUpstream.Result result = upstream.run(filter, TestExchange.builder().method("POST").path("/x")
                    .query("a=1&b=%20").header("Content-Type", "text/plain").body("ping").build());

            assertEquals(201, result.status());
            assertEquals("got ping", result.body());
            assertEquals("yes", result.headers().first("X-Seen").orElseThrow());
            assertEquals(1, result.received().size());
            TestUpstream.Received received = result.received().getFirst();
            assertEquals("POST", received.method());
            assertEquals("/rewritten", received.path());
            assertEquals("a=1&b=%20", received.rawQuery());
            assertEquals("1", received.headers().first("X-Added").orElseThrow());
            assertEquals("4", received.headers().first("Content-Length").orElseThrow());
            assertTrue(upstream.uri().toString().startsWith("http://127.0.0.1:"), upstream.uri().toString());
        }
    }

    @Test
    void aShortCircuitReachesNoUpstream() throws Exception {
        Filter filter = (exchange, chain) -> Response.text(403, "no");
        try (TestUpstream upstream = TestUpstream.start(received -> Response.text(200, "yes"))) {
            TestUpstream.Result result = upstream.run(filter, TestExchange.get("/x"));

            assertEquals(403, result.status());
            assertEquals("no", result.body());
            assertEquals(0, result.received().size());
        }
    }

    @Test
    void eachRunReportsOnlyItsOwnRequests() throws Exception {
        Filter passThrough = (exchange, chain) -> chain.proceed(exchange);
        try (TestUpstream upstream = TestUpstream.start(received -> Response.text(200, received.path()))) {
            upstream.run(passThrough, TestExchange.get("/first"));
            TestUpstream.Result second = upstream.run(passThrough, TestExchange.get("/second"));

            assertEquals("/second", second.body());
            assertEquals(1, second.received().size());
            assertEquals(2, upstream.received().size());
        }
    }

    @Test
    void aFilterFailureIsThrown() {
        Filter filter = (exchange, chain) -> {
            throw new GatewayException(401, "unauthorized", "no token");
        };
        try (TestUpstream upstream = TestUpstream.start(received -> Response.text(200, "yes"))) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> upstream.run(filter, TestExchange.get("/x")));
            assertEquals(401, e.status());
        }
    }

    @Test
    void aFailingResponderAnswers500() throws Exception {
        try (TestUpstream upstream = TestUpstream.start(received -> {
            throw new IllegalStateException("boom");
        })) {
            TestUpstream.Result result = upstream.run((exchange, chain) -> chain.proceed(exchange),
                    TestExchange.get("/x"));

            assertEquals(500, result.status());
            assertTrue(result.body().contains("boom"), result.body());
        }
    }
}
