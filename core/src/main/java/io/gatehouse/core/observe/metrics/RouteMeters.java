package io.gatehouse.core.observe.metrics;

import io.gatehouse.api.Completion;
import io.gatehouse.api.Endpoint;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.observe.RequestObserver;
import io.gatehouse.core.upstream.Upstream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One route chain's meters, resolved once per generation (Micrometer hands back the same meter for the same name
 * and tags, so counts go on across reloads): the request counter per method and status class (resolved on first
 * use, then kept in an array), the request duration, each filter's self time, bytes in and out. The request path
 * indexes arrays and records; it allocates nothing of its own.
 */
final class RouteMeters implements RequestObserver {

    /** The methods with their own label value; any other is {@code other}. */
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT",
        "other"};
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MeterRegistry registry;
    private final EndpointMeters endpoints;
    private final String route;
    /** Resolved on first use; an atomic array so that a counter another thread resolved is seen whole. */
    private final AtomicReferenceArray<Counter> requests =
            new AtomicReferenceArray<>(METHODS.length * STATUS_CLASSES.length);
    private final DurationHistogram.Series duration;
    private final DurationHistogram.Series[] filters;
    private final Counter received;
    private final Counter sent;

    RouteMeters(MeterRegistry registry, Durations durations, EndpointMeters endpoints, String route,
                List<String> filterLabels) {
        this.registry = registry;
        this.endpoints = endpoints;
        this.route = route;
        this.duration = durations.requests().series(route);
        this.filters = new DurationHistogram.Series[filterLabels.size()];
        for (int i = 0; i < filters.length; i++) {
            filters[i] = durations.filters().series(route, filterLabels.get(i));
        }
        this.received = Counter.builder("gatehouse.received").baseUnit("bytes").tag("route", route)
                .description("Request body bytes read from clients").register(registry);
        this.sent = Counter.builder("gatehouse.sent").baseUnit("bytes").tag("route", route)
                .description("Response body bytes sent to clients").register(registry);
    }

    @Override
    public void filterDone(GatewayExchange exchange, int index, long startNanos, long endNanos, long selfNanos,
                           boolean failed) {
        if (index >= 0 && index < filters.length) {
            filters[index].record(selfNanos);
        }
    }

    @Override
    public void attemptDone(GatewayExchange exchange, Upstream upstream, Endpoint endpoint, int attempt,
                            long startNanos, long endNanos, AttemptOutcome outcome) {
        endpoints.attempt(upstream.name(), endpoint, outcome, endNanos - startNanos);
    }

    @Override
    public void completed(GatewayExchange exchange, Completion completion) {
        requests(methodIndex(exchange.request().method()), statusClass(completion.status())).increment();
        duration.record(completion.duration().toNanos());
        if (completion.bytesSent() > 0) {
            sent.increment(completion.bytesSent());
        }
        if (completion.bytesReceived() > 0) {
            received.increment(completion.bytesReceived());
        }
    }

    private Counter requests(int method, int statusClass) {
        int i = method * STATUS_CLASSES.length + statusClass;
        Counter counter = requests.get(i);
        if (counter == null) {
            // racing threads get the same counter from the registry
            counter = Counter.builder("gatehouse.requests").tags("route", route, "method", METHODS[method],
                    "status_class", STATUS_CLASSES[statusClass]).description("Requests served, by the status sent")
                    .register(registry);
            requests.set(i, counter);
        }
        return counter;
    }

    static int methodIndex(String method) {
        return switch (method) {
            case "GET" -> 0;
            case "HEAD" -> 1;
            case "POST" -> 2;
            case "PUT" -> 3;
            case "DELETE" -> 4;
            case "PATCH" -> 5;
            case "OPTIONS" -> 6;
            case "TRACE" -> 7;
            case "CONNECT" -> 8;
            default -> 9;
        };
    }

    /** @return the index of the status class; a status outside 100..599 counts as 5xx (the gateway's failure) */
    static int statusClass(int status) {
        return status >= 100 && status < 600 ? status / 100 - 1 : 4;
    }
}
