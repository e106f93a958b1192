package io.gatehouse.core.observe.metrics;

import io.gatehouse.core.observe.RequestObserver;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the meters observer of each route chain ({@link RouteMeters}): its meters are resolved when the generation
 * is built, so the request path only looks them up by index.
 */
public final class MeterObservers implements RequestObserver.Factory {

    /** The {@code route} label of requests no route matched. */
    public static final String UNMATCHED = "unmatched";

    private final MeterRegistry registry;
    private final Durations durations;
    private final EndpointMeters endpoints;

    MeterObservers(MeterRegistry registry, Durations durations, EndpointMeters endpoints) {
        this.registry = registry;
        this.durations = durations;
        this.endpoints = endpoints;
    }

    @Override
    public RequestObserver forChain(String routeId, List<String> filterNames) {
        return new RouteMeters(registry, durations, endpoints, routeId.isEmpty() ? UNMATCHED : routeId,
                filterLabels(filterNames));
    }

    /**
     * The {@code filter} labels of a chain's filters: the filter's name, with {@code #position} added when the name
     * appears more than once in the chain (two {@code headers} filters, two scripts), so that each series is one
     * filter.
     */
    public static List<String> filterLabels(List<String> names) {
        Map<String, Integer> counts = new HashMap<>();
        names.forEach(name -> counts.merge(name, 1, Integer::sum));
        String[] labels = new String[names.size()];
        for (int i = 0; i < labels.length; i++) {
            String name = names.get(i);
            labels[i] = counts.get(name) > 1 ? name + "#" + i : name;
        }
        return List.of(labels);
    }
}
