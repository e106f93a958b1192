package io.gatehouse.core.admin;

import io.gatehouse.core.Gateway;
import io.gatehouse.core.config.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The core endpoints of the admin API: the read-only views, {@code /config} (redacted), {@code /config/status}
 * (with the reload history), {@code /openapi.json}, and the writes ({@code POST /reload}, {@code PUT}/{@code DELETE}
 * of routes and upstreams). Every JSON read carries the serving config's {@code ETag}; a write may send it back in
 * {@code If-Match} and is refused (412) when another change came first.
 */
public final class AdminApi {

    private final Gateway gateway;
    private final AdminViews views;
    private final ConfigView config;
    private final ReloadHistory history;
    private final ConfigWrites writes;

    /**
     * @param gateway the gateway the writes change
     * @param views   the read-only views
     * @param config  the redacted config
     * @param history the reload history
     */
    public AdminApi(Gateway gateway, AdminViews views, ConfigView config, ReloadHistory history) {
        this.gateway = gateway;
        this.views = views;
        this.config = config;
        this.history = history;
        this.writes = new ConfigWrites(gateway, config);
    }

    /** @return every core operation, reads first */
    public List<AdminOperation> operations() {
        List<AdminOperation> operations = new ArrayList<>();
        views.endpoints().forEach((path, view) -> operations.add(read(path, r -> view.get())));
        operations.add(read("/routes/{id}", r -> views.route(r.params().get("id"))));
        operations.add(read("/upstreams/{name}", r -> views.upstream(r.params().get("name"))));
        operations.add(read("/config", r -> Map.of("generation", gateway.generation(), "config",
                config.redacted())));
        operations.add(read("/config/status", r -> status()));
        operations.add(new AdminOperation("GET", "/openapi.json", r -> openApi()));
        operations.add(new AdminOperation("POST", "/reload", this::reload));
        operations.add(new AdminOperation("POST", "/plugins/reload", this::reloadPlugins));
        operations.add(new AdminOperation("PUT", "/routes/{id}", writes::putRoute));
        operations.add(new AdminOperation("DELETE", "/routes/{id}", writes::deleteRoute));
        operations.add(new AdminOperation("PUT", "/upstreams/{name}", writes::putUpstream));
        operations.add(new AdminOperation("DELETE", "/upstreams/{name}", writes::deleteUpstream));
        return operations;
    }

    /** A JSON read: {@code null} from a view with a parameter is 404, from one without 503 (not ready). */
    private AdminOperation read(String path, Function<AdminRequest, Object> view) {
        return new AdminOperation("GET", path, request -> {
            String etag = gateway.etag();
            Object value = view.apply(request);
            if (value == null) {
                return request.params().isEmpty()
                        ? AdminReply.problem(503, "not_ready", "the gateway is not ready", request.requestId())
                        : AdminReply.problem(404, "not_found", "no " + path.substring(1, path.indexOf('/', 1) - 1)
                        + " '" + request.params().values().iterator().next() + "'", request.requestId());
            }
            return AdminReply.json(200, value).header("ETag", etag);
        });
    }

    private Object status() {
        Gateway.ReloadStatus last = gateway.lastReload();
        if (last == null) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("generation", gateway.generation());
        view.put("last_reload", last.at().toString());
        view.put("last_reload_ok", last.applied());
        UnaryOperator<List<Problem>> redact = config.problemRedactor(); // one look-up for the whole answer
        view.put("problems", redact.apply(last.problems()).stream().map(Object::toString).toList());
        view.put("history", history.entries().stream().map(entry -> entry(entry, redact)).toList());
        return view;
    }

    /** @return one reload of the history; problem texts redacted like {@code GET /config} */
    private static Map<String, Object> entry(Gateway.ReloadStatus status, UnaryOperator<List<Problem>> redact) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("time", status.at().toString());
        view.put("generation", status.generation());
        view.put("result", status.applied() ? "applied" : "rejected");
        view.put("source", status.source());
        view.put("who", status.who());
        view.put("problems", redact.apply(status.problems()).stream().map(Object::toString).toList());
        return view;
    }

    private AdminReply reload(AdminRequest request) {
        Gateway.ReloadStatus status = gateway.reload("api", request.caller().name());
        if (!status.applied()) {
            return AdminReply.problem(422, "config_rejected", "the config file was rejected ("
                    + status.problems().size() + " problem(s)); generation " + status.generation() + " still serves",
                    config.redact(status.problems()), request.requestId());
        }
        return AdminReply.json(200, entry(status, UnaryOperator.identity())).header("ETag", gateway.etag());
    }

    /**
     * {@code POST /plugins/reload}: applies what changed in {@code plugins/} and rebuilds the config with it; 422
     * when the plugins could not be applied or the config needs a component that is gone (the serving generation
     * stays).
     */
    private AdminReply reloadPlugins(AdminRequest request) {
        Gateway.PluginsReload reload = gateway.reloadPlugins("api", request.caller().name());
        var refresh = reload.refresh();
        if (refresh.refused() != null) {
            return AdminReply.problem(422, "plugins_rejected", refresh.refused() + "; the loaded plugins stay",
                    List.of(), request.requestId());
        }
        Gateway.ReloadStatus config = reload.config();
        if (config != null && !config.applied()) {
            return AdminReply.problem(422, "config_rejected", "the plugins changed (loaded " + refresh.loaded()
                    + ", taken out " + refresh.removed() + ") but the config needs what is gone ("
                    + config.problems().size() + " problem(s)); generation " + config.generation() + " still serves",
                    this.config.redact(config.problems()), request.requestId());
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("changed", refresh.changed());
        view.put("loaded", refresh.loaded());
        view.put("removed", refresh.removed());
        view.put("pending", refresh.pending());
        view.put("generation", gateway.generation());
        return AdminReply.json(200, view).header("ETag", gateway.etag());
    }

    private AdminReply openApi() {
        try (InputStream in = AdminApi.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the JAR");
            }
            return new AdminReply(200, "application/json", new LinkedHashMap<>(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
