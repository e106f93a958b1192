package io.gatehouse.core.observe.metrics;

import io.gatehouse.core.observe.RequestObserver;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * The meters of each chain built so far, by route and filter labels: a reload that leaves a route as it was
     * takes its meters as they are instead of looking up every series again (with 10 000 routes, most of a reload's
     * build time). A route's series live as long as the process, as they did before.
     */
    private final Map<List<String>, RouteMeters> built = new ConcurrentHashMap<>();

    @Override
    public RequestObserver forChain(String routeId, List<String> filterNames) {
        String route = routeId.isEmpty() ? UNMATCHED : routeId;
        List<String> labels = filterLabels(filterNames);
        List<String> key;
        if (labels.isEmpty()) {
            key = List.of(route);
        } else {
            String[] both = new String[labels.size() + 1];
            both[0] = route;
            for (int i = 0; i < labels.size(); i++) {
                both[i + 1] = labels.get(i);
            }
            key = List.of(both);
        }
        RouteMeters known = built.get(key); // no capturing lambda for the many routes a reload leaves alone
        return known != null ? known : built.computeIfAbsent(key, k -> new RouteMeters(registry, durations,
                endpoints, route, labels));
    }

    /**
     * The {@code filter} labels of a chain's filters: the filter's name, with {@code #position} added when the name
     * appears more than once in the chain (two {@code headers} filters, two scripts), so that each series is one
     * filter.
     */
    public static List<String> filterLabels(List<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        if (distinct(names)) { // the usual chain: each filter once, so the labels are the names
            return List.copyOf(names);
        }
        Map<String, Integer> counts = new HashMap<>();
        names.forEach(name -> counts.merge(name, 1, Integer::sum));
        String[] labels = new String[names.size()];
        for (int i = 0; i < labels.length; i++) {
            String name = names.get(i);
            labels[i] = counts.get(name) > 1 ? name + "#" + i : name;
        }
        return List.of(labels);
    }

    /** @return whether no name appears twice; pairwise for the short lists chains have, a set past that */
    private static boolean distinct(List<String> names) {
        int size = names.size();
        if (size > 16) {
            return new java.util.HashSet<>(names).size() == size;
        }
        for (int i = 1; i < size; i++) {
            String name = names.get(i);
            for (int j = 0; j < i; j++) {
                if (name.equals(names.get(j))) {
                    return false;
                }
            }
        }
        return true;
    }
}
