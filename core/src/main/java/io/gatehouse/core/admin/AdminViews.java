package io.gatehouse.core.admin;

import io.gatehouse.api.Endpoint;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.admin.ConfigView;
import io.gatehouse.core.generation.Generation;
import io.gatehouse.core.generation.GenerationHolder;
import io.gatehouse.core.generation.RouteRuntime;
import io.gatehouse.core.plugin.ComponentRegistry;
import io.gatehouse.core.upstream.Upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the admin API shows: JSON-ready views of the serving generation, the plugins and the scripts.
 */
public final class AdminViews {

    private final GenerationHolder generations;
    private final Supplier<ComponentRegistry> registry;
    private final Supplier<List<io.gatehouse.core.plugin.PluginInfo>> unplugged;
    private final Supplier<Gateway.ReloadStatus> lastReload;
    private final Supplier<Map<String, Object>> scripts;
    private final BooleanSupplier listening;
    private final BooleanSupplier draining;

    /**
     * @param scripts   {@code GET /scripts}: the script runtime's status
     * @param listening whether the public listener accepts connections; {@code /health} and {@code /ready} fail
     *                  (503) while it does not
     * @param draining  whether a graceful shutdown has begun: {@code /ready} fails (503) from then on, so that load
     *                  balancers stop sending, while {@code /health} stays up until the process exits
     */
    public AdminViews(GenerationHolder generations, Supplier<ComponentRegistry> registry,
                      Supplier<List<io.gatehouse.core.plugin.PluginInfo>> unplugged,
                      Supplier<Gateway.ReloadStatus> lastReload, Supplier<Map<String, Object>> scripts,
                      BooleanSupplier listening,
                      BooleanSupplier draining) {
        this.generations = generations;
        this.registry = registry;
        this.unplugged = unplugged;
        this.lastReload = lastReload;
        this.scripts = scripts;
        this.listening = listening;
        this.draining = draining;
    }

    /** @return admin path → view */
    public Map<String, Supplier<Object>> endpoints() {
        Map<String, Supplier<Object>> endpoints = new LinkedHashMap<>();
        endpoints.put("/health", () -> listening.getAsBoolean() ? Map.of("status", "UP") : null);
        endpoints.put("/ready", this::ready);
        endpoints.put("/routes", this::routes);
        endpoints.put("/upstreams", this::upstreams);
        endpoints.put("/plugins", this::plugins);
        endpoints.put("/scripts", scripts::get);
        endpoints.put("/websockets", this::websockets);
        return endpoints;
    }

    /**
     * The open WebSocket tunnels per route: every route of the serving generation that accepts WebSocket, and any
     * other route (removed or changed by a reload) with tunnels still draining.
     */
    private Object websockets() {
        Generation generation = generations.current();
        if (generation == null) {
            return null;
        }
        Map<String, Integer> open = new LinkedHashMap<>();
        for (RouteRuntime route : generation.routeList()) {
            if (io.gatehouse.core.config.WebSocketConfig.allows(route.config().websocket())) {
                open.put(route.config().id(), 0);
            }
        }
        generations.tunnels().openByRoute().forEach((route, count) -> {
            if (count > 0 || open.containsKey(route)) {
                open.put(route, count);
            }
        });
        List<Object> routes = new ArrayList<>();
        int total = 0;
        for (Map.Entry<String, Integer> entry : open.entrySet()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("route", entry.getKey());
            view.put("open", entry.getValue());
            routes.add(view);
            total += entry.getValue();
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("open", total);
        view.put("routes", routes);
        return view;
    }

    private Object ready() {
        Generation generation = generations.current();
        return generation == null || !listening.getAsBoolean() || draining.getAsBoolean() ? null
                : Map.of("status", "READY", "generation", generation.number());
    }

    private Object routes() {
        Generation generation = generations.current();
        if (generation == null) {
            return null;
        }
        List<Object> routes = new ArrayList<>();
        for (RouteRuntime route : generation.routeList()) {
            routes.add(routeView(route));
        }
        return Map.of("generation", generation.number(), "routes", routes);
    }

    /** @return the view of the serving route {@code id}, or {@code null} when there is none */
    public Object route(String id) {
        Generation generation = generations.current();
        if (generation != null) {
            for (RouteRuntime route : generation.routeList()) {
                if (route.config().id().equals(id)) {
                    return routeView(route);
                }
            }
        }
        return null;
    }

    private static Map<String, Object> routeView(RouteRuntime route) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", route.config().id());
        view.put("path", route.config().match().path());
        view.put("methods", route.config().match().methods());
        view.put("hosts", route.config().match().allHosts());
        view.put("upstream", route.config().upstream());
        view.put("rewrite", route.config().rewrite());
        view.put("strip_prefix", route.config().stripPrefix());
        view.put("timeout_ms", route.config().timeout().toMillis());
        view.put("filters", route.filterNames());
        if (route.config().maxConcurrentRequests() != null) {
            view.put("max_concurrent_requests", route.config().maxConcurrentRequests());
            view.put("in_flight", route.inFlight().count());
        }
        return view;
    }

    private Object upstreams() {
        Generation generation = generations.current();
        if (generation == null) {
            return null;
        }
        List<Object> upstreams = new ArrayList<>();
        for (Upstream upstream : generation.upstreams().values()) {
            upstreams.add(upstreamView(generation, upstream));
        }
        return Map.of("generation", generation.number(), "upstreams", upstreams);
    }

    /** @return the view of the serving upstream {@code name}, or {@code null} when there is none */
    public Object upstream(String name) {
        Generation generation = generations.current();
        Upstream upstream = generation == null ? null : generation.upstreams().get(name);
        return upstream == null ? null : upstreamView(generation, upstream);
    }

    private static Map<String, Object> upstreamView(Generation generation, Upstream upstream) {
        List<Object> endpoints = new ArrayList<>();
        Map<String, Map<String, Object>> health = upstream.healthView();
        for (Endpoint endpoint : upstream.endpoints()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("url", endpoint.id());
            view.put("weight", endpoint.weight());
            Map<String, String> metadata = new LinkedHashMap<>(endpoint.metadata());
            metadata.replaceAll((key, value) -> ConfigView.secretKey(key) ? ConfigView.REDACTED : value);
            view.put("metadata", metadata);
            view.put("health", health.getOrDefault(endpoint.id(), Map.of()));
            endpoints.add(view);
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", upstream.name());
        view.put("discovery", generation.config().upstreams().get(upstream.name()).discovery().type());
        view.put("balancer", generation.config().upstreams().get(upstream.name()).balancer().type());
        view.put("retries", upstream.config().retries());
        view.put("retry_budget", upstream.retryBudget().view(System.nanoTime()));
        view.put("endpoints", endpoints);
        return view;
    }

    /**
     * Every plugin with its state, file hash and the ids it provides; a refused one with {@code why} (and the state
     * {@code refused} when PF4J never made a plugin of the file); one taken out of {@code plugins/} that a generation
     * still uses as {@code unplugged}.
     */
    private Object plugins() {
        ComponentRegistry current = registry.get();
        List<Map<String, Object>> plugins = new ArrayList<>();
        java.util.Set<String> listed = new java.util.HashSet<>();
        List<io.gatehouse.core.plugin.PluginInfo> infos = new ArrayList<>(current.plugins());
        infos.addAll(unplugged.get());
        for (io.gatehouse.core.plugin.PluginInfo info : infos) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", info.id());
            view.put("version", info.version());
            view.put("state", info.state());
            view.put("source", info.source());
            view.put("hash", info.hash());
            view.put("provides", info.provides());
            String why = current.problems().stream().filter(problem -> info.source().equals(problem.source()))
                    .map(io.gatehouse.core.plugin.PluginProblem::message).reduce((a, b) -> a + "; " + b).orElse(null);
            if (why != null) {
                view.put("why", why);
            }
            listed.add(info.source());
            plugins.add(view);
        }
        for (io.gatehouse.core.plugin.PluginProblem problem : current.problems()) {
            if (listed.add(problem.source())) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("id", problem.pluginId());
                view.put("state", "refused");
                view.put("source", problem.source());
                view.put("why", problem.message());
                plugins.add(view);
            }
        }
        return Map.of("plugins", plugins, "components", current.ids(), "problems", current.problems());
    }
}
