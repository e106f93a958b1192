package io.gatehouse.core.generation;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.core.builtin.RewriteFilter;
import io.gatehouse.core.builtin.StripPrefixFilter;
import io.gatehouse.core.chain.FilterChain;
import io.gatehouse.core.chain.FilterChain.NamedFilter;
import io.gatehouse.core.chain.CoreContext;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.UpstreamCalls;
import io.gatehouse.core.config.ComponentSpec;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.FilterSpec;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.MatchConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.RecordBinder;
import io.gatehouse.core.config.RouteConfig;
import io.gatehouse.core.config.UpstreamConfig;
import io.gatehouse.core.plugin.ComponentRegistry;
import io.gatehouse.core.proxy.HttpProxy;
import io.gatehouse.core.proxy.IdentityHeaders;
import io.gatehouse.core.proxy.TrustedProxies;
import io.gatehouse.core.route.PathTemplate;
import io.gatehouse.core.route.RouteRule;
import io.gatehouse.core.route.RouteTable;
import io.gatehouse.core.script.ScriptHost;
import io.gatehouse.core.upstream.Upstream;
import io.gatehouse.core.upstream.UpstreamClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds a {@link Generation} from a bound config, off to the side of the serving one: resolves every component id
 * against the registry, binds and validates every component's config (reporting all problems at once), then
 * creates the components. Any failure closes what was created and leaves the serving generation alone.
 */
public final class GenerationBuilder {

    private static final AtomicLong NUMBERS = new AtomicLong();

    private final ComponentRegistry registry;
    private final Path home;
    private final RecordBinder binder = new RecordBinder();
    private final ScriptHost scripts;

    /** A builder for checking configs only: components that need the script runtime cannot be created. */
    public GenerationBuilder(ComponentRegistry registry, Path home) {
        this(registry, home, null);
    }

    public GenerationBuilder(ComponentRegistry registry, Path home, ScriptHost scripts) {
        this.registry = registry;
        this.home = home;
        this.scripts = scripts;
    }

    /**
     * Checks a config as far as possible without creating anything (for {@code gatehouse check}).
     *
     * @return every problem found; empty when the config would build
     */
    public List<Problem> check(GatewayConfig config) {
        return plan(config).problems;
    }

    /**
     * Builds a generation.
     *
     * @throws ConfigException listing every problem when the config is invalid or a component failed to create
     */
    public Generation build(GatewayConfig config) throws ConfigException {
        Plan plan = plan(config);
        if (!plan.problems.isEmpty()) {
            throw new ConfigException("config", plan.problems);
        }
        List<AutoCloseable> created = new ArrayList<>();
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, UpstreamConfig> entry : config.upstreams().entrySet()) {
                String name = entry.getKey();
                UpstreamConfig upstream = entry.getValue();
                ServiceDiscovery discovery = (ServiceDiscovery) create(plan.bound.get("upstreams." + name + ".discovery"),
                        null);
                LoadBalancer balancer;
                try {
                    balancer = (LoadBalancer) create(plan.bound.get("upstreams." + name + ".balancer"), null);
                } catch (Exception e) {
                    discovery.close();
                    throw e;
                }
                UpstreamClient client = new UpstreamClient(upstream.connectTimeout(),
                        (int) config.server().limits().maxHeaderSize().bytes());
                upstreams.put(name, new Upstream(name, balancer, discovery, client, upstream));
            }
            TrustedProxies trusted = TrustedProxies.of(config.server().trustedProxies());
            HttpProxy proxy = new HttpProxy(trusted);
            UpstreamCalls calls = new GenerationUpstreamCalls(Map.copyOf(upstreams), proxy);
            List<NamedFilter> globals = createFilters(config.globalFilters(), plan, created, calls);
            List<RouteRule<RouteRuntime>> rules = new ArrayList<>();
            List<RouteRuntime> routeList = new ArrayList<>();
            for (RouteConfig route : config.routes()) {
                List<NamedFilter> filters = new ArrayList<>(globals);
                filters.addAll(createFilters(route.filters(), plan, created, calls));
                if (route.stripPrefix() > 0) {
                    filters.add(new NamedFilter("strip_prefix", new StripPrefixFilter(route.stripPrefix())));
                }
                if (route.rewrite() != null) {
                    filters.add(new NamedFilter("rewrite", new RewriteFilter(route.rewrite())));
                }
                Upstream upstream = upstreams.get(route.upstream());
                FilterChain chain = new FilterChain(filters, exchange -> {
                    GatewayExchange gateway = (GatewayExchange) exchange;
                    return proxy.forward(gateway, upstream, gateway.peer(), route.timeout());
                });
                RouteRuntime runtime = new RouteRuntime(route, chain, upstream,
                        filters.stream().map(NamedFilter::name).toList());
                routeList.add(runtime);
                rules.add(rule(route, runtime));
            }
            RouteTable<RouteRuntime> table = RouteTable.build(rules);
            return new Generation(NUMBERS.incrementAndGet(), config, table, List.copyOf(routeList),
                    Map.copyOf(upstreams), List.copyOf(globals), List.copyOf(created), trusted,
                    IdentityHeaders.of(config.server().identityHeaders(), trusted));
        } catch (ConfigException e) {
            closeAll(created, upstreams);
            throw e;
        } catch (Exception e) {
            closeAll(created, upstreams);
            throw new ConfigException("config", List.of(new Problem("",
                    "building the config failed: " + e.getMessage())));
        }
    }

    private static RouteRule<RouteRuntime> rule(RouteConfig route, RouteRuntime runtime) {
        MatchConfig match = route.match();
        Set<String> methods = new LinkedHashSet<>();
        match.methods().forEach(m -> methods.add(m.toUpperCase(Locale.ROOT)));
        return new RouteRule<>(route.id(), methods, match.allHosts(), match.path(), match.headers(), match.query(),
                runtime);
    }

    private List<NamedFilter> createFilters(List<FilterSpec> specs, Plan plan, List<AutoCloseable> created,
                                            UpstreamCalls calls) throws ConfigException {
        List<NamedFilter> filters = new ArrayList<>();
        for (FilterSpec spec : specs) {
            Filter filter = (Filter) create(plan.bound.get(spec.optionsPath()), calls);
            created.add(filter);
            filters.add(new NamedFilter(spec.name(), filter));
        }
        return filters;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private AutoCloseable create(Bound bound, UpstreamCalls calls) throws ConfigException {
        PluginContext context = new Context(bound.factory.id(), bound.path, home, calls, scripts);
        try {
            AutoCloseable component = (AutoCloseable) ((ComponentFactory) bound.factory).create((Record) bound.config, context);
            if (component == null) {
                throw new IllegalStateException(bound.factory.id() + " created null");
            }
            return component;
        } catch (Exception e) {
            throw new ConfigException("config", List.of(new Problem(bound.path,
                    bound.factory.id() + " could not be created: " + e.getMessage())));
        }
    }

    private static void closeAll(List<AutoCloseable> created, Map<String, Upstream> upstreams) {
        for (AutoCloseable closeable : created) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // already failing; the first error is the one reported
            }
        }
        upstreams.values().forEach(Upstream::close);
    }

    /** Resolves and binds every component of the config; collects every problem. */
    private Plan plan(GatewayConfig config) {
        Plan plan = new Plan();
        config.upstreams().forEach((name, upstream) -> {
            String base = "upstreams." + name;
            ComponentSpec discovery = upstream.discovery();
            if (discovery == null) {
                plan.problems.add(new Problem(base + ".discovery", "required"));
            } else {
                bindComponent("discovery", discovery.type(), discovery.options(), base + ".discovery", plan);
            }
            ComponentSpec balancer = upstream.balancer();
            bindComponent("lb", balancer.type(), balancer.options(), base + ".balancer", plan);
        });
        bindFilters(config.globalFilters(), plan);
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig route = config.routes().get(i);
            String base = "routes[" + i + "]";
            if (route.match() != null && route.match().path() != null) {
                PathTemplate.problem(route.match().path())
                        .ifPresent(p -> plan.problems.add(new Problem(base + ".match.path", p)));
                if (route.rewrite() != null) {
                    checkRewrite(route, base, plan);
                }
            }
            bindFilters(route.filters(), plan);
        }
        return plan;
    }

    private static void checkRewrite(RouteConfig route, String base, Plan plan) {
        Optional<String> problem = PathTemplate.problem(route.rewrite());
        if (problem.isPresent()) {
            plan.problems.add(new Problem(base + ".rewrite", problem.get()));
            return;
        }
        Set<String> available = PathTemplate.params(route.match().path());
        for (String param : PathTemplate.params(route.rewrite())) {
            if (!available.contains(param)) {
                plan.problems.add(new Problem(base + ".rewrite", "uses ':" + param
                        + "' but the match path '" + route.match().path() + "' has no such parameter"));
            }
        }
    }

    private void bindFilters(List<FilterSpec> specs, Plan plan) {
        for (FilterSpec spec : specs) {
            bindComponent("filter", spec.name(), spec.options(), spec.optionsPath(), plan);
        }
    }

    private void bindComponent(String namespace, String name, Object options, String path, Plan plan) {
        String id = namespace + "." + name;
        ComponentFactory<?, ?> factory = registry.find(id).orElse(null);
        if (factory == null) {
            String kind = switch (namespace) {
                case "lb" -> "balancer";
                case "filter" -> "filter";
                default -> namespace;
            };
            plan.problems.add(new Problem(path, "unknown " + kind + " '" + name + "' (installed: "
                    + String.join(", ", registry.names(namespace)) + ")"));
            return;
        }
        List<Problem> problems = new ArrayList<>();
        Object config = binder.bind(options, factory.configType(), path, problems);
        if (problems.isEmpty() && config != null) {
            validate(factory, config, path, problems);
        }
        plan.problems.addAll(problems);
        plan.bound.put(path, new Bound(factory, config, path));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void validate(ComponentFactory factory, Object config, String path, List<Problem> problems) {
        try {
            factory.validate((Record) config, (relative, message) -> problems.add(new Problem(
                    relative == null || relative.isEmpty() ? path : path + "." + relative, message)));
        } catch (RuntimeException e) {
            problems.add(new Problem(path, factory.id() + " failed to validate its config: " + e));
        }
    }

    private static final class Plan {
        final List<Problem> problems = new ArrayList<>();
        final Map<String, Bound> bound = new LinkedHashMap<>();
    }

    private record Bound(ComponentFactory<?, ?> factory, Object config, String path) {
    }

    private record Context(String componentId, String location, Path home, UpstreamCalls upstreams,
                           ScriptHost scripts)
            implements CoreContext {
        @Override
        public System.Logger logger() {
            return System.getLogger("gatehouse." + componentId);
        }
    }

    /** Upstream calls on the upstreams of the generation being built (filled in before filters are created). */
    private static final class GenerationUpstreamCalls implements UpstreamCalls {
        private final Map<String, Upstream> upstreams;
        private final HttpProxy proxy;

        private GenerationUpstreamCalls(Map<String, Upstream> upstreams, HttpProxy proxy) {
            this.upstreams = upstreams;
            this.proxy = proxy;
        }

        @Override
        public Set<String> names() {
            return upstreams.keySet();
        }

        @Override
        public Response call(String name, Request request, Duration timeout, GatewayExchange parent) {
            Upstream upstream = upstreams.get(name);
            if (upstream == null) {
                throw new GatewayException(500, "unknown_upstream", "no upstream named '" + name
                        + "' in the config (known: " + String.join(", ", upstreams.keySet()) + ")");
            }
            GatewayExchange sub = new GatewayExchange(parent.requestId(), request, parent.routeId(), Map.of(),
                    parent.clientIp(), parent.peer(), System.nanoTime());
            return proxy.forward(sub, upstream, parent.peer(), timeout);
        }
    }
}
