package io.gatehouse.plugins.headers;

import io.gatehouse.api.Filter;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HeadersFilterFactoryTest {

    private final HeadersFilterFactory factory = new HeadersFilterFactory();

    @Test
    void changesTheRequestBeforeProceedingAndTheResponseAfter() throws Exception {
        HeadersConfig config = new HeadersConfig(
                new HeadersConfig.Rules(Map.of("X-A", "1"), Map.of("X-B", "2"), List.of("x-secret")),
                new HeadersConfig.Rules(Map.of("Cache-Control", "no-store"), Map.of("Vary", "Origin"),
                        List.of("Server")));
        TestExchange exchange = TestExchange.builder()
                .header("X-A", "old").header("X-A", "older").header("X-B", "1").header("X-Secret", "s3cr3t")
                .build();
        TestChain chain = TestChain.responding(exchange1 -> new Response(200, Headers.of(
                "Server", "nginx", "Vary", "Accept", "Cache-Control", "max-age=60"), null));

        Response response;
        try (Filter filter = factory.create(config, null)) {
            response = filter.filter(exchange, chain);
        }

        assertEquals(1, chain.calls());
        Headers upstream = chain.lastRequestHeaders();
        assertEquals(List.of("1"), upstream.all("X-A"));
        assertEquals(List.of("1", "2"), upstream.all("X-B"));
        assertFalse(upstream.contains("X-Secret"));
        assertFalse(response.headers().contains("Server"));
        assertEquals(List.of("no-store"), response.headers().all("Cache-Control"));
        assertEquals(List.of("Accept", "Origin"), response.headers().all("Vary"));
    }

    @Test
    void aRequestOnlyConfigLeavesTheResponseAlone() throws Exception {
        HeadersConfig config = new HeadersConfig(new HeadersConfig.Rules(null, null, List.of("Cookie")), null);
        TestChain chain = TestChain.responding(new Response(204, Headers.of("Server", "up"), null));

        Response response = factory.create(config, null).filter(TestExchange.get("/"), chain);

        assertEquals(204, response.status());
        assertEquals(List.of("up"), response.headers().all("Server"));
    }

    @Test
    void theIdIsInTheFilterNamespace() {
        assertEquals("filter.headers", factory.id());
    }

    record Case(String desc, HeadersConfig config, List<String> problems) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> validations() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("X-Empty", null);
        List<String> badRemove = new ArrayList<>();
        badRemove.add("Good");
        badRemove.add("Bad:Name");
        return List.of(
                new Case("valid", new HeadersConfig(null, rules(Map.of("X-A", "1"), null, null)), List.of()),
                new Case("nothing to do", new HeadersConfig(null, null),
                        List.of(": nothing to do: give at least one of request.set, request.add, request.remove, "
                                + "response.set, response.add, response.remove")),
                new Case("name with a space", new HeadersConfig(rules(Map.of("Bad Name", "1"), null, null), null),
                        List.of("request.set.Bad Name: invalid header name")),
                new Case("value with CRLF", new HeadersConfig(null, rules(null, Map.of("X-A", "1\r\nX-B: 2"), null)),
                        List.of("response.add.X-A: invalid header value: CR, LF and NUL are not allowed")),
                new Case("missing value", new HeadersConfig(rules(nullValue, null, null), null),
                        List.of("request.set.X-Empty: value required (use \"\" for an empty value)")),
                new Case("bad name to remove", new HeadersConfig(null, rules(null, null, badRemove)),
                        List.of("response.remove[1]: invalid header name 'Bad:Name'")));
    }

    @ParameterizedTest
    @MethodSource("validations")
    void validatesEveryHeaderNameAndValue(Case c) {
        List<String> problems = new ArrayList<>();
        factory.validate(c.config(), (path, message) -> problems.add(path + ": " + message));
        assertEquals(c.problems(), problems);
    }

    private static HeadersConfig.Rules rules(Map<String, String> set, Map<String, String> add, List<String> remove) {
        return new HeadersConfig.Rules(set, add, remove);
    }
}
