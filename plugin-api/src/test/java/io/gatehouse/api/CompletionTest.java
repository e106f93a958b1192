package io.gatehouse.api;

import io.gatehouse.api.testkit.TestExchange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The completion hook: told once, in order; an exchange written against API 1.0 refuses loudly. */
class CompletionTest {

    private static final Completion OK = new Completion(200, 5, Duration.ofMillis(3), Completion.Outcome.OK,
            Optional.empty());

    @Test
    void listenersAreToldOnceInOrder() {
        TestExchange exchange = TestExchange.get("/");
        List<String> calls = new ArrayList<>();
        exchange.onComplete(c -> calls.add("first " + c.status()));
        exchange.onComplete(c -> calls.add("second " + c.outcome()));
        exchange.complete(OK);
        assertEquals(List.of("first 200", "second OK"), calls);
        assertThrows(IllegalStateException.class, () -> exchange.complete(OK));
        assertThrows(IllegalStateException.class, () -> exchange.onComplete(c -> { }));
    }

    @Test
    void anExchangeWrittenAgainstTheOldApiRefusesInsteadOfDroppingTheListener() {
        Exchange old = new Exchange() {
            @Override
            public String requestId() {
                return "id";
            }

            @Override
            public Request request() {
                return null;
            }

            @Override
            public String routeId() {
                return "r";
            }

            @Override
            public Map<String, String> pathParams() {
                return Map.of();
            }

            @Override
            public String clientIp() {
                return "127.0.0.1";
            }

            @Override
            public Optional<String> consumer() {
                return Optional.empty();
            }

            @Override
            public void consumer(String consumer) {
            }

            @Override
            public Map<String, Object> attributes() {
                return Map.of();
            }
        };
        assertThrows(UnsupportedOperationException.class, () -> old.onComplete(c -> { }));
    }
}
