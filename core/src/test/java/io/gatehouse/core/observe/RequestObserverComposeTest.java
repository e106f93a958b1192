package io.gatehouse.core.observe;

import io.gatehouse.api.Completion;
import io.gatehouse.core.chain.GatewayExchange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class RequestObserverComposeTest {

    private static RequestObserver recording(String name, List<String> heard, boolean fail) {
        return new RequestObserver() {
            @Override
            public void filterDone(GatewayExchange exchange, int index, long startNanos, long endNanos,
                                   long selfNanos, boolean failed) {
                heard.add(name + " filter " + index);
                if (fail) {
                    throw new IllegalStateException("broken observer");
                }
            }

            @Override
            public void completed(GatewayExchange exchange, Completion completion) {
                heard.add(name + " completed");
            }
        };
    }

    @Test
    void observersThatObserveNothingAreLeftOut() {
        RequestObserver only = new RequestObserver() {
        };
        RequestObserver.Factory composed = RequestObserver.Factory.compose(List.of(RequestObserver.Factory.NOOP,
                (route, names) -> only, (route, names) -> RequestObserver.NOOP));
        assertSame(only, composed.forChain("r", List.of()));
        assertSame(RequestObserver.NOOP, RequestObserver.Factory.compose(List.of(RequestObserver.Factory.NOOP))
                .forChain("r", List.of()));
    }

    @Test
    void everyObserverHearsEverythingInOrderEvenWhenOneThrows() {
        List<String> heard = new ArrayList<>();
        List<String> routes = new ArrayList<>();
        RequestObserver observer = RequestObserver.Factory.compose(List.of(
                (route, names) -> {
                    routes.add("a " + route + " " + names);
                    return recording("a", heard, true);
                },
                (route, names) -> {
                    routes.add("b " + route + " " + names);
                    return recording("b", heard, false);
                })).forChain("orders", List.of("jwt"));
        assertEquals(List.of("a orders [jwt]", "b orders [jwt]"), routes);
        observer.filterDone(null, 0, 0, 0, 0, false);
        observer.completed(null, null);
        assertEquals(List.of("a filter 0", "b filter 0", "a completed", "b completed"), heard);
    }
}
