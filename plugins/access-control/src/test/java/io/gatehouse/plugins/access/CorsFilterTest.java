package io.gatehouse.plugins.access;

import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Preflights answered or refused by the filter, and the CORS headers of actual requests and their errors. */
class CorsFilterTest {

    private static final String APP = "https://app.example.com";
    /** Credentials, an exact origin and a wildcard, two methods, two headers, an exposed header, a max age. */
    private static final CorsConfig STRICT = new CorsConfig(List.of(APP, "https://*.partner.example"),
            List.of("GET", "PUT"), List.of("Authorization", "Content-Type"), List.of("X-Request-Id", "ETag"), true,
            Duration.ofMinutes(10));
    private static final CorsConfig OPEN = new CorsConfig(List.of("*"), List.of("*"), List.of("*"), null, false, null);

    private final CorsFilterFactory factory = new CorsFilterFactory();

    private Filter filter(CorsConfig config) {
        return Configs.create(factory, config);
    }

    private static TestExchange.Builder preflight(String origin, String method, String headers) {
        TestExchange.Builder request = TestExchange.builder().method("OPTIONS").path("/api/things")
                .header("Origin", origin).header("Access-Control-Request-Method", method);
        return headers == null ? request : request.header("Access-Control-Request-Headers", headers);
    }

    /** A chain that answers like an upstream that has CORS ideas of its own. */
    private static TestChain upstreamWithItsOwnCors() {
        return TestChain.responding(exchange -> new Response(200, Headers.of("Access-Control-Allow-Origin", "*",
                "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "DELETE",
                "Access-Control-Expose-Headers", "X-Secret", "Vary", "Accept-Encoding"), null));
    }

    private static Map<String, List<String>> corsHeaders(Headers headers) {
        Map<String, List<String>> cors = new java.util.TreeMap<>();
        for (String name : headers.names()) {
            if (name.regionMatches(true, 0, "Access-Control-", 0, 15)) {
                cors.put(name, headers.all(name));
            }
        }
        return cors;
    }

    @Test
    void anAllowedPreflightIsAnsweredHereWith204AndNeverGoesOn() throws Exception {
        TestChain chain = TestChain.ok();
        Response response = filter(STRICT).filter(preflight(APP, "PUT", "content-type, Authorization").build(),
                chain);

        assertEquals(204, response.status());
        assertEquals(0, chain.calls(), "a preflight never reaches the upstream");
        assertEquals(Map.of(
                "Access-Control-Allow-Origin", List.of(APP),
                "Access-Control-Allow-Credentials", List.of("true"),
                "Access-Control-Allow-Methods", List.of("GET, PUT"),
                "Access-Control-Allow-Headers", List.of("content-type, authorization"),
                "Access-Control-Max-Age", List.of("600")), corsHeaders(response.headers()));
        assertEquals(List.of("Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
                response.headers().all("Vary"));
    }

    @Test
    void aWildcardOriginIsEchoedNotStarred() throws Exception {
        Response response = filter(STRICT).filter(preflight("https://eu.app.partner.example", "GET", null).build(),
                TestChain.ok());
        assertEquals(204, response.status());
        assertEquals(List.of("https://eu.app.partner.example"), response.headers().all("Access-Control-Allow-Origin"));
        assertFalse(response.headers().contains("Access-Control-Allow-Headers"), "nothing asked, nothing listed");
    }

    @Test
    void anOpenRouteAnswersStarAndReflectsWhatWasAskedFor() throws Exception {
        Response response = filter(OPEN).filter(preflight("https://anyone.example", "PATCH", "X-Trace,,  x-b ")
                .build(), TestChain.ok());
        assertEquals(204, response.status());
        assertEquals(Map.of(
                "Access-Control-Allow-Origin", List.of("*"),
                "Access-Control-Allow-Methods", List.of("PATCH"),
                "Access-Control-Allow-Headers", List.of("x-trace, x-b")), corsHeaders(response.headers()));
    }

    record Refused(String desc, TestExchange.Builder request, String says) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Refused> refusedPreflights() {
        return List.of(
                new Refused("an origin not listed", preflight("https://evil.example", "GET", null),
                        "the origin is not allowed"),
                new Refused("a suffix trick", preflight("https://app.example.com.evil.org", "GET", null),
                        "the origin is not allowed"),
                new Refused("the bare domain of a wildcard", preflight("https://partner.example", "GET", null),
                        "the origin is not allowed"),
                new Refused("the null origin", preflight("null", "GET", null), "the origin is not allowed"),
                new Refused("two Origin headers", preflight(APP, "GET", null).header("Origin", APP),
                        "the origin is not allowed"),
                new Refused("a method not listed", preflight(APP, "DELETE", null),
                        "the method DELETE is not allowed"),
                new Refused("methods are case-sensitive", preflight(APP, "put", null), "the method put is not allowed"),
                new Refused("a method that is no token", preflight(APP, "GET<script>", null),
                        "the method asked for is not allowed"),
                new Refused("an empty method", preflight(APP, "", null), "the method asked for is not allowed"),
                new Refused("a header not listed", preflight(APP, "GET", "Authorization, X-Debug"),
                        "the request header x-debug is not allowed"),
                new Refused("a header that is no token", preflight(APP, "GET", "x\"y"),
                        "the request header asked for is not allowed"));
    }

    @ParameterizedTest
    @MethodSource("refusedPreflights")
    void aRefusedPreflightIs403WithoutAnyCorsHeaderAndNeverGoesOn(Refused c) {
        TestChain chain = TestChain.ok();
        try (LogCapture log = LogCapture.of("gatehouse.filter.cors")) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> filter(STRICT).filter(c.request().requestId("req-cors-1").build(), chain));
            assertEquals(403, e.status());
            assertEquals("cors_preflight_refused", e.code());
            assertEquals("CORS preflight refused: " + c.says() + ".", e.getMessage());
            assertEquals(Map.of("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
                    e.headers(), "no CORS header; Vary, so that a shared cache keys the refusal as the allowance");
            assertEquals(1, log.lines().size());
            assertTrue(log.lines().getFirst().message().contains("req-cors-1"), log.lines().toString());
        }
        assertEquals(0, chain.calls(), "a refused preflight never reaches the upstream");
    }

    @Test
    void anOptionsRequestThatIsNoPreflightGoesOn() throws Exception {
        TestChain chain = TestChain.ok();
        Response response = filter(STRICT).filter(TestExchange.builder().method("OPTIONS").header("Origin", APP)
                .build(), chain);
        assertEquals(1, chain.calls());
        assertEquals(List.of(APP), response.headers().all("Access-Control-Allow-Origin"));
        chain = TestChain.ok();
        filter(STRICT).filter(TestExchange.builder().method("OPTIONS").header("Access-Control-Request-Method", "GET")
                .build(), chain);
        assertEquals(1, chain.calls(), "without Origin it is no CORS request at all");
    }

    @Test
    void anAllowedActualRequestGetsTheOriginCredentialsAndExposedHeadersInsteadOfTheUpstreams() throws Exception {
        TestChain chain = upstreamWithItsOwnCors();
        Response response = filter(STRICT).filter(TestExchange.builder().method("PUT").header("Origin", APP).build(),
                chain);
        assertEquals(1, chain.calls());
        assertEquals(200, response.status());
        assertEquals(Map.of(
                "Access-Control-Allow-Origin", List.of(APP),
                "Access-Control-Allow-Credentials", List.of("true"),
                "Access-Control-Expose-Headers", List.of("X-Request-Id, ETag")), corsHeaders(response.headers()));
        assertEquals(List.of("Accept-Encoding", "Origin"), response.headers().all("Vary"));
    }

    @Test
    void aDisallowedOriginGetsNoCorsHeaderAtAllNotEvenTheUpstreams() throws Exception {
        TestChain chain = upstreamWithItsOwnCors();
        Response response = filter(STRICT).filter(TestExchange.builder().header("Origin", "https://evil.example")
                .build(), chain);
        assertEquals(1, chain.calls(), "the request goes on; the browser will not let the page read the answer");
        assertEquals(Map.of(), corsHeaders(response.headers()));
        assertEquals(List.of("Accept-Encoding", "Origin"), response.headers().all("Vary"));
    }

    @Test
    void aRequestWithoutOriginGetsNoCorsHeaderButVaryOrigin() throws Exception {
        Response response = filter(STRICT).filter(TestExchange.get("/"), TestChain.ok());
        assertEquals(Map.of(), corsHeaders(response.headers()));
        assertEquals(List.of("Origin"), response.headers().all("Vary"));
    }

    @Test
    void varyIsNotRepeatedWhenTheUpstreamAlreadyVariesOnOriginOrEverything() throws Exception {
        for (String vary : List.of("origin", "Accept, Origin", "*")) {
            Response response = filter(STRICT).filter(TestExchange.builder().header("Origin", APP).build(),
                    TestChain.responding(new Response(200, Headers.of("Vary", vary), null)));
            assertEquals(List.of(vary), response.headers().all("Vary"));
        }
    }

    @Test
    void anOpenRouteSaysStarToEveryoneAndNeedsNoVary() throws Exception {
        for (TestExchange exchange : List.of(TestExchange.builder().header("Origin", "https://x.example").build(),
                TestExchange.get("/"))) {
            Response response = filter(OPEN).filter(exchange, TestChain.ok());
            assertEquals(Map.of("Access-Control-Allow-Origin", List.of("*")), corsHeaders(response.headers()));
            assertFalse(response.headers().contains("Vary"));
        }
    }

    @Test
    void anErrorFromALaterFilterCarriesTheCorsHeadersSoThePageCanReadIt() {
        TestChain refusing = TestChain.responding(exchange -> {
            throw new GatewayException(401, "invalid_token", "The token has expired.")
                    .header("WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\"");
        });
        GatewayException e = assertThrows(GatewayException.class, () -> filter(STRICT).filter(
                TestExchange.builder().header("Origin", APP).header("Authorization", "Bearer x").build(), refusing));
        assertEquals(401, e.status());
        assertEquals("invalid_token", e.code());
        assertEquals(Map.of(
                "WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\"",
                "Access-Control-Allow-Origin", APP,
                "Access-Control-Allow-Credentials", "true",
                "Access-Control-Expose-Headers", "X-Request-Id, ETag",
                "Vary", "Origin"), e.headers());

        GatewayException other = assertThrows(GatewayException.class, () -> filter(STRICT).filter(
                TestExchange.builder().header("Origin", "https://evil.example").build(), refusing));
        assertEquals(Map.of("WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\"", "Vary", "Origin"),
                other.headers(), "a disallowed origin learns nothing more from an error");
    }

    @Test
    void theFilterIsNoAuthenticator() {
        assertFalse(filter(STRICT).authenticates());
    }
}
