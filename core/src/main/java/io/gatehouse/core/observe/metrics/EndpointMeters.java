package io.gatehouse.core.observe.metrics;

import io.gatehouse.api.Endpoint;
import io.gatehouse.core.observe.RequestObserver.AttemptOutcome;
import io.gatehouse.core.upstream.Upstream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The meters of each upstream endpoint, made on first use and kept by upstream name and endpoint id, whatever the
 * generation: {@code gatehouse_upstream_requests_total{upstream,endpoint,outcome}}, {@code
 * gatehouse_upstream_duration_seconds{upstream,endpoint}}, and the gauges {@code
 * gatehouse_upstream_endpoint_up} and {@code gatehouse_circuit_state}. Endpoints come and go with discovery: on
 * every scrape ({@link #refresh}) the meters of endpoints the serving generation no longer has are removed, so the
 * series stay bounded by the endpoints that exist.
 */
final class EndpointMeters {

    private static final AttemptOutcome[] OUTCOMES = AttemptOutcome.values();

    private final MeterRegistry registry;
    private final DurationHistogram durations;
    private final Map<String, Map<String, One>> byUpstream = new ConcurrentHashMap<>();
    private final java.util.concurrent.locks.ReentrantLock refreshing = new java.util.concurrent.locks.ReentrantLock();
    private volatile Supplier<Map<String, Upstream>> source = Map::of;

    EndpointMeters(MeterRegistry registry, DurationHistogram durations) {
        this.registry = registry;
        this.durations = durations;
    }

    void source(Supplier<Map<String, Upstream>> upstreams) {
        this.source = upstreams;
    }

    /** Records one attempt; allocates only the first time an endpoint or outcome is seen. */
    void attempt(String upstream, Endpoint endpoint, AttemptOutcome outcome, long nanos) {
        One one = of(upstream, endpoint.id());
        one.requests(outcome).increment();
        one.duration.record(nanos);
    }

    private One of(String upstream, String endpoint) {
        Map<String, One> endpoints = byUpstream.get(upstream);
        if (endpoints == null) {
            endpoints = byUpstream.computeIfAbsent(upstream, name -> new ConcurrentHashMap<>());
        }
        One one = endpoints.get(endpoint);
        if (one == null) {
            one = endpoints.computeIfAbsent(endpoint, id -> new One(upstream, id));
        }
        return one;
    }

    /**
     * Reads the health and circuit state of the serving generation's endpoints into their gauges, and removes the
     * meters of endpoints it no longer has.
     */
    void refresh() {
        refreshing.lock();
        try {
            refreshLocked();
        } finally {
            refreshing.unlock();
        }
    }

    private void refreshLocked() {
        Map<String, Upstream> upstreams = source.get();
        Set<One> live = new HashSet<>();
        for (Upstream upstream : upstreams == null ? Map.<String, Upstream>of().values() : upstreams.values()) {
            upstream.healthView().forEach((id, view) -> {
                One one = of(upstream.name(), id);
                one.state(view);
                live.add(one);
            });
        }
        byUpstream.forEach((upstream, endpoints) -> endpoints.values().removeIf(one -> {
            if (live.contains(one)) {
                return false;
            }
            one.remove();
            return true;
        }));
        byUpstream.values().removeIf(Map::isEmpty);
    }

    /** One endpoint's meters. */
    private final class One {
        private final String upstream;
        private final String endpoint;
        private final java.util.concurrent.atomic.AtomicReferenceArray<Counter> requests =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(OUTCOMES.length);
        private final DurationHistogram.Series duration;
        private final List<Meter> gauges = new ArrayList<>(2);
        private volatile double up = Double.NaN;
        private volatile double circuit = Double.NaN;

        One(String upstream, String endpoint) {
            this.upstream = upstream;
            this.endpoint = endpoint;
            this.duration = durations.series(upstream, endpoint);
        }

        Counter requests(AttemptOutcome outcome) {
            Counter counter = requests.get(outcome.ordinal());
            if (counter == null) {
                // racing threads get the same counter from the registry
                counter = Counter.builder("gatehouse.upstream.requests").tags("upstream", upstream, "endpoint",
                                endpoint, "outcome", outcome.label())
                        .description("Upstream attempts (retries included) by how they ended").register(registry);
                requests.set(outcome.ordinal(), counter);
            }
            return counter;
        }

        /** Takes the endpoint's state from the upstream's health view; registers the gauges on first sight. */
        @SuppressWarnings("unchecked")
        void state(Map<String, Object> view) {
            up = "healthy".equals(view.get("state")) ? 1 : 0;
            if (gauges.isEmpty()) {
                gauges.add(Gauge.builder("gatehouse.upstream.endpoint.up", this, one -> one.up)
                        .tags("upstream", upstream, "endpoint", endpoint).strongReference(true)
                        .description("1 when the endpoint is healthy (not ejected, passing active checks)")
                        .register(registry));
            }
            if (view.get("circuit_breaker") instanceof Map<?, ?> breaker) {
                circuit = switch (String.valueOf(((Map<String, Object>) breaker).get("state"))) {
                    case "closed" -> 0;
                    case "half_open" -> 1;
                    case "open" -> 2;
                    default -> Double.NaN;
                };
                if (gauges.size() == 1) { // the up gauge is the first
                    gauges.add(Gauge.builder("gatehouse.circuit.state", this, one -> one.circuit)
                            .tags("upstream", upstream, "endpoint", endpoint).strongReference(true)
                            .description("The endpoint's circuit: 0 closed, 1 half-open, 2 open")
                            .register(registry));
                }
            } else {
                circuit = Double.NaN;
            }
        }

        void remove() {
            for (int i = 0; i < requests.length(); i++) {
                if (requests.get(i) != null) {
                    registry.remove(requests.get(i));
                }
            }
            durations.remove(upstream, endpoint);
            gauges.forEach(registry::remove);
        }
    }
}
