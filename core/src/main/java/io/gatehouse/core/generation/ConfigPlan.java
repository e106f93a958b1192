package io.gatehouse.core.generation;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.core.config.ComponentSpec;
import io.gatehouse.core.config.ConfigPath;
import io.gatehouse.core.config.FilterSpec;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.RecordBinder;
import io.gatehouse.core.config.RouteConfig;
import io.gatehouse.core.config.UpstreamConfig;
import io.gatehouse.core.plugin.ComponentRegistry;
import io.gatehouse.core.plugin.Failures;
import io.gatehouse.core.plugin.PluginProblem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure first stage of a build: every component the config names resolved against the registry, its options
 * bound strictly and validated by its factory, and every route's templates and hosts checked. Opens nothing, and
 * goes on after a problem, so that every problem is reported with its path; it also runs on a config that failed
 * binding in places ({@code null} where a part failed), to report the problems of the parts that did bind.
 */
final class ConfigPlan {

    private final ComponentRegistry registry;
    private final RecordBinder binder = new RecordBinder();
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Bound> bound = new LinkedHashMap<>();

    /**
     * A component ready to create.
     *
     * @param factory its factory
     * @param config  its bound, validated config; {@code null} when binding failed
     * @param path    where its options sit in the config, e.g. {@code routes[2].filters[0].jwt}
     */
    record Bound(ComponentFactory<?, ?> factory, Object config, String path) {
    }

    private ConfigPlan(ComponentRegistry registry) {
        this.registry = registry;
    }

    static ConfigPlan of(GatewayConfig config, ComponentRegistry registry) {
        return of(config, registry, new io.gatehouse.core.route.PathTemplates().session());
    }

    /** @param templates parses the routes' path templates (reusing the last build's) */
    static ConfigPlan of(GatewayConfig config, ComponentRegistry registry,
                         io.gatehouse.core.route.PathTemplates.Session templates) {
        ConfigPlan plan = new ConfigPlan(registry);
        config.upstreams().forEach((name, upstream) -> plan.upstream(name, upstream));
        plan.filters(config.globalFilters());
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig route = config.routes().get(i);
            if (route != null) {
                RouteChecks.check(route, ConfigPath.index("routes", i), plan.problems, templates);
                plan.filters(route.filters());
            }
        }
        return plan;
    }

    /** @return every problem, in config order (upstreams, global filters, routes) */
    List<Problem> problems() {
        return problems;
    }

    /** @return every component that bound, in config order */
    List<Bound> components() {
        return List.copyOf(bound.values());
    }

    /** @return the component whose options sit at {@code path}, or {@code null} when none is planned there */
    Bound find(String path) {
        return bound.get(path);
    }

    /** @return the component whose options sit at {@code path} */
    Bound at(String path) {
        Bound found = bound.get(path);
        if (found == null) {
            throw new IllegalStateException("no component planned at " + path);
        }
        return found;
    }

    private void upstream(String name, UpstreamConfig upstream) {
        if (upstream == null) {
            return;
        }
        String base = ConfigPath.key("upstreams", name);
        ComponentSpec discovery = upstream.discovery();
        if (discovery != null) {   // a missing discovery is the validator's to report
            component("discovery", discovery.type(), discovery.options(), ConfigPath.key(base, "discovery"));
        }
        ComponentSpec balancer = upstream.balancer();
        component("lb", balancer.type(), balancer.options(), ConfigPath.key(base, "balancer"));
        ComponentSpec transport = upstream.transport();
        if (transport != null) {
            component("transport", transport.type(), transport.options(), ConfigPath.key(base, "transport"));
        }
    }

    private void filters(List<FilterSpec> specs) {
        for (FilterSpec spec : specs) {
            if (spec != null) {
                component("filter", spec.name(), spec.options(), spec.optionsPath());
            }
        }
    }

    /**
     * A component is usually named after its plugin: when a plugin of that name (or with '-' for '_') was refused,
     * saying why beats listing what is installed.
     */
    private String refusedPlugin(String name) {
        for (PluginProblem problem : registry.problems()) {
            String plugin = problem.pluginId();
            if (plugin != null && (plugin.equals(name) || plugin.replace('-', '_').equals(name))) {
                return "plugin '" + plugin + "' was refused: " + problem.message();
            }
        }
        return null;
    }

    private void component(String namespace, String name, Object options, String path) {
        String id = namespace + "." + name;
        ComponentFactory<?, ?> factory = registry.find(id).orElse(null);
        if (factory == null) {
            String kind = switch (namespace) {
                case "lb" -> "balancer";
                case "filter" -> "filter";
                default -> namespace;
            };
            String refused = refusedPlugin(name);
            problems.add(new Problem(path, "unknown " + kind + " '" + name + "' (" + (refused != null ? refused
                    : "installed: " + String.join(", ", registry.names(namespace))) + ")"));
            return;
        }
        List<Problem> found = new ArrayList<>();
        Object config = null;
        try {
            config = binder.bind(options, factory.configType(), path, found);
            if (found.isEmpty() && config != null) {
                validate(factory, config, path, found);
            }
        } catch (RuntimeException | LinkageError e) {
            // a plugin built against another API, or a config record the binder cannot take
            found.add(new Problem(path, id + " failed to validate its config: " + Failures.describe(e)));
        }
        problems.addAll(found);
        bound.put(path, new Bound(factory, found.isEmpty() ? config : null, path));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void validate(ComponentFactory factory, Object config, String path, List<Problem> problems) {
        factory.validate((Record) config, (relative, message) -> problems.add(new Problem(
                relative == null || relative.isEmpty() ? path : path + "." + relative, message)));
    }
}
