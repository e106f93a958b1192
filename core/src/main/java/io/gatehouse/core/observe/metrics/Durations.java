package io.gatehouse.core.observe.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The request path's three duration histograms: requests by route, filters by route and filter, upstream attempts by
 * upstream and endpoint.
 *
 * @param requests {@code gatehouse_request_duration_seconds{route}}
 * @param filters  {@code gatehouse_filter_duration_seconds{route,filter}}
 * @param upstream {@code gatehouse_upstream_duration_seconds{upstream,endpoint}}
 */
record Durations(DurationHistogram requests, DurationHistogram filters, DurationHistogram upstream) {

    Durations() {
        this(new DurationHistogram("gatehouse_request_duration_seconds",
                        "Requests, from the request head read to the last response byte sent", "route"),
                new DurationHistogram("gatehouse_filter_duration_seconds",
                        "Time spent in each filter itself, without the filters and upstream call after it", "route",
                        "filter"),
                new DurationHistogram("gatehouse_upstream_duration_seconds",
                        "Upstream attempts, from taking a connection to the response head", "upstream", "endpoint"));
    }

    /** Makes them part of what {@code registry} scrapes. */
    Durations register(PrometheusRegistry registry) {
        registry.register(requests);
        registry.register(filters);
        registry.register(upstream);
        return this;
    }
}
