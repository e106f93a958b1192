package io.gatehouse.core.generation;

import io.gatehouse.core.chain.FilterChain;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.proxy.IdentityHeaders;
import io.gatehouse.core.proxy.TrustedProxies;
import io.gatehouse.core.route.RouteTable;
import io.gatehouse.core.upstream.Upstream;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One immutable config generation: the route table, upstreams and every component built from one config. It
 * serves until it is replaced, then drains (in-flight requests finish on it) and closes: its filters close, and it
 * lets go of the state it took (its upstreams among them), which closes what no newer generation carried over, and
 * then of the plugins it was built with.
 */
public final class Generation implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Generation.class.getName());

    private final long number;
    private final GatewayConfig config;
    private final RouteTable<RouteRuntime> routes;
    private final List<RouteRuntime> routeList;
    private final Map<String, Upstream> upstreams;
    private final List<FilterChain.NamedFilter> globalFilters;
    private final List<AutoCloseable> closeables;
    private final StateStore.Scope states;
    private final AutoCloseable plugins;
    private final TrustedProxies trustedProxies;
    private final IdentityHeaders identityHeaders;
    private final io.gatehouse.core.observe.RequestObserver unroutedObserver;
    private final Instant createdAt = Instant.now();
    private final AtomicInteger inFlight = new AtomicInteger();

    Generation(long number, GatewayConfig config, RouteTable<RouteRuntime> routes, List<RouteRuntime> routeList,
               Map<String, Upstream> upstreams, List<FilterChain.NamedFilter> globalFilters,
               List<AutoCloseable> closeables, StateStore.Scope states, AutoCloseable plugins,
               TrustedProxies trustedProxies,
               IdentityHeaders identityHeaders, io.gatehouse.core.observe.RequestObserver unroutedObserver) {
        this.number = number;
        this.config = config;
        this.routes = routes;
        this.routeList = routeList;
        this.upstreams = upstreams;
        this.globalFilters = globalFilters;
        this.closeables = closeables;
        this.states = states;
        this.plugins = plugins;
        this.trustedProxies = trustedProxies;
        this.identityHeaders = identityHeaders;
        this.unroutedObserver = unroutedObserver;
    }

    /** @return the observer of requests no route matched (or refused before routing): the global filters' chain */
    public io.gatehouse.core.observe.RequestObserver unroutedObserver() {
        return unroutedObserver;
    }

    public long number() {
        return number;
    }

    public GatewayConfig config() {
        return config;
    }

    public RouteTable<RouteRuntime> routes() {
        return routes;
    }

    /** @return the routes in config order */
    public List<RouteRuntime> routeList() {
        return routeList;
    }

    public Map<String, Upstream> upstreams() {
        return upstreams;
    }

    /** @return the global filters, which also run around errors that happen before a route is found */
    public List<FilterChain.NamedFilter> globalFilters() {
        return globalFilters;
    }

    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /** @return what removes the client's identity headers unless the peer is a trusted proxy */
    public IdentityHeaders identityHeaders() {
        return identityHeaders;
    }

    public Instant createdAt() {
        return createdAt;
    }

    void enter() {
        inFlight.incrementAndGet();
    }

    /** Ends a request that {@link GenerationHolder#acquire()} started on this generation. */
    public void exit() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables.reversed()) {
            try {
                closeable.close();
            } catch (Exception | LinkageError e) {
                LOG.log(Level.WARNING, "generation " + number + ": closing " + closeable + " failed", e);
            }
        }
        states.close();
        try {
            plugins.close();   // last: a plugin unplugged meanwhile is unloaded once nothing of it is open
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "generation " + number + ": releasing its plugins failed", e);
        }
    }
}
