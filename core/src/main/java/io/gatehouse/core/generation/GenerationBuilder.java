package io.gatehouse.core.generation;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.Filter;
import io.gatehouse.core.builtin.RewriteFilter;
import io.gatehouse.core.builtin.StripPrefixFilter;
import io.gatehouse.core.chain.CheckByCreating;
import io.gatehouse.core.chain.FilterChain;
import io.gatehouse.core.chain.FilterChain.NamedFilter;
import io.gatehouse.core.observe.RequestObserver;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.UpstreamCalls;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigPath;
import io.gatehouse.core.config.FilterSpec;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.LoadedConfig;
import io.gatehouse.core.config.MatchConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.RouteConfig;
import io.gatehouse.core.plugin.ComponentRegistry;
import io.gatehouse.core.plugin.Failures;
import io.gatehouse.core.proxy.HttpProxy;
import io.gatehouse.core.proxy.TransportProxy;
import io.gatehouse.core.proxy.IdentityHeaders;
import io.gatehouse.core.proxy.TrustedProxies;
import io.gatehouse.core.route.PathTemplates;
import io.gatehouse.core.route.RouteRule;
import io.gatehouse.core.route.RouteTable;
import io.gatehouse.core.script.ScriptHost;
import io.gatehouse.core.tls.TlsChecks;
import io.gatehouse.core.upstream.Upstream;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Builds a {@link Generation} from a loaded config, off to the side of the serving one: plans every component
 * ({@link ConfigPlan}: resolve, bind, validate, check the routes; every problem at once), takes the upstreams from
 * the state store (carried over when unchanged, see {@link UpstreamStates}), creates the filters, and builds the
 * route table. Any failure, an {@link Error} from a plugin included, closes what this build created, lets go of
 * the state it took, and leaves the serving generation alone.
 *
 * <p>{@link #check} runs the same stages without creating anything but the components that are safe and telling
 * to create ({@link CheckByCreating}: scripts; and plugin components whose factory says
 * {@code createIsSideEffectFree()}), so {@code gatehouse check} and {@code run} report the same
 * problems with the same paths.
 */
public final class GenerationBuilder {

    private static final System.Logger LOG = System.getLogger(GenerationBuilder.class.getName());
    private static final AtomicLong NUMBERS = new AtomicLong();

    private final Supplier<ComponentRegistry.Lease> registry;
    private final Path home;
    private final Supplier<ScriptHost> scripts;
    private final StateStore states;
    private final RequestObserver.Factory observers;
    /** The path templates of the last build, reused by the next: a reload parses only the new ones. */
    private final PathTemplates templates = new PathTemplates();

    /**
     * @param registry the component factories
     * @param home     the gateway home
     * @param scripts  the script runtime, asked for only when a script filter is created (by {@link #check} too,
     *                 to load the scripts), so a check of a config without scripts never starts one
     */
    public GenerationBuilder(ComponentRegistry registry, Path home, Supplier<ScriptHost> scripts) {
        this(registry, home, scripts, RequestObserver.Factory.NOOP);
    }

    /** @param observers makes the observer (meters, tracing) of each route's chain */
    public GenerationBuilder(ComponentRegistry registry, Path home, Supplier<ScriptHost> scripts,
                             RequestObserver.Factory observers) {
        this(registry, home, scripts, observers, id -> io.gatehouse.api.Meters.NOOP);
    }

    /** @param meters the meters {@code PluginContext.meters()} gives a component, by component id */
    public GenerationBuilder(ComponentRegistry registry, Path home, Supplier<ScriptHost> scripts,
                             RequestObserver.Factory observers,
                             java.util.function.Function<String, io.gatehouse.api.Meters> meters) {
        this(() -> ComponentRegistry.Lease.of(registry), home, scripts, observers, meters);
    }

    /**
     * @param registry the registry each build uses, leased for as long as the generation built with it lives (hot
     *                 plug: the plugins of a replaced registry are unloaded when their last generation drains)
     */
    public GenerationBuilder(Supplier<ComponentRegistry.Lease> registry, Path home, Supplier<ScriptHost> scripts,
                             RequestObserver.Factory observers,
                             java.util.function.Function<String, io.gatehouse.api.Meters> meters) {
        this.registry = registry;
        this.home = home;
        this.scripts = scripts;
        this.observers = observers;
        this.states = new StateStore(meters);
    }

    /**
     * Checks a config through every stage short of serving it (for {@code gatehouse check}).
     *
     * @return every problem of every stage, each with its config path; empty when the config would build
     */
    public List<Problem> check(LoadedConfig loaded) {
        List<Problem> problems = new ArrayList<>(loaded.problems());
        if (loaded.config() != null) {
            try (ComponentRegistry.Lease lease = registry.get()) {
                ConfigPlan plan = ConfigPlan.of(loaded.config(), lease.registry(), templates.session());
                problems.addAll(plan.problems());
                problems.addAll(TlsChecks.problems(loaded.config(), home));
                problems.addAll(createForCheck(loaded.config(), plan));
            }
        }
        return problems.stream().distinct().toList();
    }

    /**
     * Builds a generation.
     *
     * @throws ConfigException listing every problem when the config is invalid, or the problem of the component
     *                         that failed to create
     */
    public Generation build(LoadedConfig loaded) throws ConfigException {
        List<Problem> problems = new ArrayList<>(loaded.problems());
        ComponentRegistry.Lease lease = registry.get();
        PathTemplates.Session session = templates.session();
        ConfigPlan plan = loaded.config() == null ? null : ConfigPlan.of(loaded.config(), lease.registry(), session);
        if (plan != null) {
            problems.addAll(plan.problems());
            problems.addAll(TlsChecks.problems(loaded.config(), home));
        }
        if (!problems.isEmpty() || plan == null) {
            lease.close();
            throw new ConfigException(loaded.source(), problems.isEmpty()
                    ? List.of(new Problem(loaded.source(), "invalid")) : problems.stream().distinct().toList());
        }
        StateStore.Scope scope = states.scope();
        List<AutoCloseable> created = new ArrayList<>();
        try {
            Generation built = assemble(loaded.config(), plan, scope, created, lease, session);
            session.keep();
            return built;
        } catch (ConfigException e) {
            discard(created, scope, lease);
            throw new ConfigException(loaded.source(), e.problems());
        } catch (RuntimeException | Error e) {
            discard(created, scope, lease);
            ComponentCreation.rethrowIfFatal(e);
            LOG.log(Level.ERROR, "building generation failed unexpectedly", e);
            throw new ConfigException(loaded.source(), List.of(new Problem(loaded.source(),
                    "building the config failed: " + Failures.describe(e))));
        }
    }

    private Generation assemble(GatewayConfig config, ConfigPlan plan, StateStore.Scope scope,
                                List<AutoCloseable> created, ComponentRegistry.Lease plugins,
                                PathTemplates.Session session) throws ConfigException {
        UpstreamStates upstreamStates = new UpstreamStates(plan, scope, home, scripts);
        Map<String, Upstream> upstreams = Collections.unmodifiableMap(upstreamStates.take(config));
        TrustedProxies trusted = TrustedProxies.of(config.server().trustedProxies());
        HttpProxy proxy = new HttpProxy(trusted);
        Filters filters = new Filters(plan, scope, new GenerationUpstreamCalls(upstreams, proxy), created);
        List<NamedFilter> globals = filters.create(config.globalFilters(), "global_filters");
        List<RouteRule<RouteRuntime>> rules = new ArrayList<>();
        List<RouteRuntime> routeList = new ArrayList<>();
        for (RouteConfig route : config.routes()) {
            List<NamedFilter> chain = new ArrayList<>(globals);
            if (!route.filters().isEmpty()) { // the owner's name only for a route that has filters: most have none
                chain.addAll(filters.create(route.filters(), "route '" + route.id() + "' filters"));
            }
            if (route.stripPrefix() > 0) {
                chain.add(new NamedFilter("strip_prefix", new StripPrefixFilter(route.stripPrefix())));
            }
            if (route.rewrite() != null) {
                chain.add(new NamedFilter("rewrite", new RewriteFilter(route.rewrite())));
            }
            Upstream upstream = upstreams.get(route.upstream());
            List<NamedFilter> guarded = FilterChain.guarded(route.id(), chain);
            FilterChain filterChain = new FilterChain(guarded, exchange -> {
                GatewayExchange gateway = (GatewayExchange) exchange;
                if (upstream.transport() != null) {
                    return TransportProxy.forward(gateway, upstream, route.timeout());
                }
                return proxy.forward(gateway, upstream, gateway.peer(), route.timeout(),
                        route.streamIdleTimeout());
            }, observers.forRoute(route, names(guarded)));
            RouteRuntime runtime = new RouteRuntime(route, filterChain, upstream,
                    names(chain), inFlight(scope, route));
            routeList.add(runtime);
            rules.add(rule(route, runtime));
        }
        RouteTable<RouteRuntime> table = routeTable(rules, session);
        upstreamStates.awaitFirstEndpoints();
        long number = NUMBERS.incrementAndGet();
        List<String> made = upstreamStates.createdNames();
        LOG.log(Level.INFO, "generation {0}: upstreams created {1}, carried over {2}", number, made,
                config.upstreams().keySet().stream().filter(name -> !made.contains(name)).toList());
        return new Generation(number, config, table, List.copyOf(routeList), upstreams,
                List.copyOf(globals), List.copyOf(created), scope, plugins, trusted,
                IdentityHeaders.of(config.server().identityHeaders(), trusted),
                observers.forChain("", globals.stream().map(NamedFilter::name).toList()));
    }

    /** @return the filters' names, in order (a loop, not a stream: a reload of 10 000 routes asks 20 000 times) */
    private static List<String> names(List<NamedFilter> filters) {
        String[] names = new String[filters.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = filters.get(i).name();
        }
        return List.of(names);
    }

    /**
     * The route's count of requests in progress: with {@code max_concurrent_requests}, one per route id, carried over
     * whatever else of the route a reload changes; without, the shared count nothing enters.
     */
    private static InFlight inFlight(StateStore.Scope scope, RouteConfig route) {
        if (route.maxConcurrentRequests() == null) {
            return InFlight.UNCOUNTED;
        }
        try {
            return scope.take("route '" + route.id() + "'", "in_flight", "", inner -> new InFlight());
        } catch (Exception e) {
            throw new IllegalStateException(e); // new InFlight() does not throw
        }
    }

    /** {@link ConfigPlan} found what the table would refuse; this is the net under it, so still a problem. */
    private static RouteTable<RouteRuntime> routeTable(List<RouteRule<RouteRuntime>> rules,
                                                       PathTemplates.Session session) throws ConfigException {
        try {
            return RouteTable.build(rules, session::parse);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config", List.of(new Problem("routes", e.getMessage())));
        }
    }

    private static RouteRule<RouteRuntime> rule(RouteConfig route, RouteRuntime runtime) {
        MatchConfig match = route.match();
        // MatchConfig has upper-cased the methods already
        return new RouteRule<>(route.id(), Set.copyOf(match.methods()), match.allHosts(), match.path(),
                match.headers(), match.query(), runtime);
    }

    /**
     * Creates, closes and reports the components a dry run is safe for ({@link #createsInCheck}); nothing else is
     * created.
     */
    private List<Problem> createForCheck(GatewayConfig config, ConfigPlan plan) {
        List<Problem> problems = new ArrayList<>();
        UpstreamCalls names = GenerationUpstreamCalls.namesOnly(config.upstreams().keySet());
        try (StateStore.Scope scope = new StateStore().scope()) {
            for (ConfigPlan.Bound bound : plan.components()) {
                if (bound.config() == null || !createsInCheck(bound.factory())) {
                    continue;
                }
                try {
                    AutoCloseable component = ComponentCreation.create(bound, new BuildContext(bound.factory().id(),
                            bound.path(), home, names, scripts, scope, "check " + bound.path(), bound.config()));
                    closeAll(List.of(component));
                } catch (ConfigException e) {
                    problems.addAll(e.problems());
                }
            }
        }
        return problems;
    }

    /**
     * Whether {@code check} creates components of this factory: the core's {@link CheckByCreating} ones and those
     * whose factory says its {@code create} is side-effect free. A factory that throws when asked is not trusted
     * with a dry run.
     */
    private static boolean createsInCheck(ComponentFactory<?, ?> factory) {
        if (factory instanceof CheckByCreating) {
            return true;
        }
        try {
            return factory.createIsSideEffectFree();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Closes what a failed build created, newest first, lets go of the state it took, then of its plugins. */
    private static void discard(List<AutoCloseable> created, StateStore.Scope scope, ComponentRegistry.Lease plugins) {
        closeAll(created);
        scope.close();
        plugins.close();
    }

    private static void closeAll(List<AutoCloseable> created) {
        for (AutoCloseable closeable : created.reversed()) {
            try {
                closeable.close();
            } catch (Exception | LinkageError e) {
                // already failing; the first error is the one reported
                LOG.log(Level.DEBUG, "closing {0} after a failed build: {1}", closeable, e.toString());
            }
        }
    }

    /** Creates the filters of one list, each with its state owned by its place in terms of route ids. */
    private final class Filters {
        private final ConfigPlan plan;
        private final StateStore.Scope scope;
        private final UpstreamCalls calls;
        private final List<AutoCloseable> created;

        Filters(ConfigPlan plan, StateStore.Scope scope, UpstreamCalls calls, List<AutoCloseable> created) {
            this.plan = plan;
            this.scope = scope;
            this.calls = calls;
            this.created = created;
        }

        List<NamedFilter> create(List<FilterSpec> specs, String owner) throws ConfigException {
            List<NamedFilter> filters = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                FilterSpec spec = specs.get(i);
                ConfigPlan.Bound bound = plan.at(spec.optionsPath());
                Filter filter = (Filter) ComponentCreation.create(bound, new BuildContext(bound.factory().id(),
                        bound.path(), home, calls, scripts, scope, ConfigPath.index(owner, i), bound.config()));
                created.add(filter);
                filters.add(new NamedFilter(spec.name(), filter, bound.factory().id() + " at " + bound.path()));
            }
            return filters;
        }
    }
}
