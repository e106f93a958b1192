package io.gatehouse.core.config;

import java.util.List;
import java.util.Map;

/**
 * The whole gateway config, as bound from {@code conf/gatehouse.yaml}. Keys are snake_case; every record here
 * documents its defaults, applied by the compact constructors.
 *
 * @param server         the public listener; default {@code 0.0.0.0:8080}
 * @param admin          the admin listener; default {@code 127.0.0.1:9080}
 * @param demo           the built-in echo backend; default disabled
 * @param upstreams      upstreams by name; default none
 * @param routes         routes, in precedence order for equal specificity; default none
 * @param globalFilters  filters run around every route's filters, in order; default none
 * @param tracing        trace context propagation, sampling and span export; default: propagate, export nothing
 */
public record GatewayConfig(ServerConfig server,
                            AdminConfig admin,
                            DemoConfig demo,
                            Map<String, UpstreamConfig> upstreams,
                            List<RouteConfig> routes,
                            List<FilterSpec> globalFilters,
                            TracingConfig tracing) {
    public GatewayConfig {
        server = server == null ? new ServerConfig(null, null, null, null, null, null, null, null, null) : server;
        admin = admin == null ? new AdminConfig(null, null, null) : admin;
        demo = demo == null ? new DemoConfig(false, null, null) : demo;
        upstreams = upstreams == null ? Map.of() : upstreams;
        routes = routes == null ? List.of() : routes;
        globalFilters = globalFilters == null ? List.of() : globalFilters;
        tracing = tracing == null ? TracingConfig.defaults() : tracing;
    }
}
