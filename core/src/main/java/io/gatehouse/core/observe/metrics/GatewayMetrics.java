package io.gatehouse.core.observe.metrics;

import io.gatehouse.api.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The gateway's meters: one Prometheus registry per process, made when the gateway starts and kept across config
 * generations. It makes the request-path observers ({@link #observers()}), the plugins' meters ({@link
 * #pluginMeters}), and holds the gateway-wide meters (reloads, generation, plugins, connections, scripts, JVM and
 * process). {@link #scrape} renders everything as Prometheus text for {@code GET /metrics}.
 */
public final class GatewayMetrics implements AutoCloseable {

    /** The Prometheus text format 0.0.4 content type. */
    public static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    /** The OpenMetrics 1.0 text content type. */
    public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /**
     * The histogram buckets of every timer, in seconds: fixed, so that a histogram is 14 series (13 bounds and
     * {@code +Inf}) rather than Micrometer's 70-odd percentile buckets, and the same for every route so that
     * histograms can be summed across routes.
     */
    static final Duration[] BUCKETS = java.util.Arrays.stream(DurationHistogram.BOUNDS)
            .mapToObj(seconds -> Duration.ofNanos(Math.round(seconds * 1e9))).toArray(Duration[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final EndpointMeters endpoints;
    private final MeterObservers observers;
    private final Map<String, Counter> scriptErrors = new ConcurrentHashMap<>();
    private final Map<String, Counter> scriptTimeouts = new ConcurrentHashMap<>();
    private final PluginMeters.Shared pluginMeters;

    /** A registry with the JVM and process meters bound. */
    public GatewayMetrics() {
        registry.throwExceptionOnRegistrationFailure();
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Durations durations = new Durations().register(registry.getPrometheusRegistry());
        endpoints = new EndpointMeters(registry, durations.upstream());
        observers = new MeterObservers(registry, durations, endpoints);
        pluginMeters = new PluginMeters.Shared(registry);
        for (String result : new String[] {"applied", "rejected"}) {
            Counter.builder("gatehouse.config.reloads").tag("result", result)
                    .description("Config reloads, applied or rejected").register(registry);
        }
    }

    /** @return the registry, for tests and for meters made elsewhere in the core */
    public MeterRegistry registry() {
        return registry;
    }

    /** @return the factory of the route chains' observers: request, filter and upstream meters */
    public MeterObservers observers() {
        return observers;
    }

    /** Lets go of what the meters hold of an unloaded plugin's code (its gauges' suppliers). */
    public void pluginUnloaded(ClassLoader loader) {
        pluginMeters.forget(loader);
    }

    /**
     * @param componentId the component's id, the {@code plugin} tag of its meters
     * @return the meters {@code PluginContext.meters()} gives that component
     */
    public Meters pluginMeters(String componentId) {
        return new PluginMeters(pluginMeters, componentId);
    }

    /**
     * Publishes the state of the upstreams' endpoints ({@code gatehouse_upstream_endpoint_up},
     * {@code gatehouse_circuit_state}) and drops the meters of endpoints that are gone.
     *
     * @param upstreams the upstreams of the serving generation, read on every scrape
     */
    public void upstreams(Supplier<Map<String, io.gatehouse.core.upstream.Upstream>> upstreams) {
        endpoints.source(upstreams);
    }

    /** Publishes {@code gatehouse_config_generation}. */
    public void generation(LongSupplier generation) {
        Gauge.builder("gatehouse.config.generation", generation, LongSupplier::getAsLong).strongReference(true)
                .description("The number of the config generation serving").register(registry);
    }

    /** Publishes {@code gatehouse_open_connections}. */
    public void openConnections(IntSupplier open) {
        Gauge.builder("gatehouse.open.connections", open, IntSupplier::getAsInt).strongReference(true)
                .description("Client connections open on the public listener").register(registry);
    }

    /** Publishes {@code gatehouse_websocket_tunnels{route}}: the WebSocket tunnels open on each route. */
    public void websocketTunnels(io.gatehouse.core.websocket.Tunnels tunnels) {
        tunnels.onNewRoute(route -> Gauge.builder("gatehouse.websocket.tunnels", tunnels, t -> t.open(route))
                .tag("route", route).strongReference(true)
                .description("WebSocket tunnels open on the route").register(registry));
    }

    /** Publishes {@code gatehouse_plugins{state}}: how many plugins are in each state. */
    public void plugins(Supplier<Map<String, Long>> byState) {
        Map<String, Long> now = byState.get();
        java.util.Set<String> states = new java.util.TreeSet<>(now.keySet());
        states.add("started");
        for (String state : states) {
            Gauge.builder("gatehouse.plugins", byState, s -> s.get().getOrDefault(state, 0L)).tag("state", state)
                    .strongReference(true).description("Plugins by state").register(registry);
        }
    }

    /** Counts a config load or reload in {@code gatehouse_config_reloads_total{result}}. */
    public void reloaded(boolean applied) {
        Counter.builder("gatehouse.config.reloads").tag("result", applied ? "applied" : "rejected")
                .description("Config reloads, applied or rejected").register(registry).increment();
    }

    /** Counts a script failure ({@code gatehouse_script_errors_total}) or timeout (…{@code _timeouts_total}). */
    public void scriptFailed(String script, boolean timeout) {
        Map<String, Counter> counters = timeout ? scriptTimeouts : scriptErrors;
        Counter counter = counters.get(script);
        if (counter == null) {
            counter = counters.computeIfAbsent(script, name -> Counter.builder(timeout ? "gatehouse.script.timeouts"
                            : "gatehouse.script.errors").tag("script", name)
                    .description(timeout ? "Script calls stopped for running too long" : "Script calls that failed")
                    .register(registry));
        }
        counter.increment();
    }

    /**
     * Renders every meter.
     *
     * @param accept the request's {@code Accept} header, or {@code null}: OpenMetrics when it asks for {@code
     *               application/openmetrics-text}, else the Prometheus text format 0.0.4
     * @return the content type and the text
     */
    public Scrape scrape(String accept) {
        endpoints.refresh();
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT_004;
        return new Scrape(type, registry.scrape(type));
    }

    /** What {@link #scrape} rendered. */
    public record Scrape(String contentType, String text) {
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
