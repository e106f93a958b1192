package io.gatehouse.core.generation;

import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.Transport;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigPath;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.UpstreamConfig;
import io.gatehouse.core.plugin.Failures;
import io.gatehouse.core.script.ScriptHost;
import io.gatehouse.core.tls.UpstreamTls;
import io.gatehouse.core.upstream.Upstream;
import io.gatehouse.core.upstream.UpstreamClient;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The upstreams of a generation, taken from the {@link StateStore}. An upstream whose config is unchanged is carried
 * over whole: its endpoints, their health and ejections, its connection pool, its discovery watch and its balancer
 * (so a reload that edits a route costs no request, no connection and no re-admitted bad endpoint). A new or
 * changed upstream is created and started here, before the generation serves, and the build waits (at most
 * {@link #FIRST_ENDPOINTS_WAIT}) for its discovery's first endpoint list: a watch that answers from another thread
 * would otherwise leave the new generation with no endpoint, answering 503, for its first moments.
 */
final class UpstreamStates {

    /** How long a build waits for the first endpoint list of the upstreams it created. */
    static final Duration FIRST_ENDPOINTS_WAIT = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger(UpstreamStates.class.getName());

    private final ConfigPlan plan;
    private final StateStore.Scope scope;
    private final Path home;
    private final Supplier<ScriptHost> scripts;
    private final List<Upstream> created = new ArrayList<>();

    /**
     * What decides whether an upstream can be carried over: everything it was built from, the factories of its
     * components included (compared by identity: a hot-plugged new version of a balancer's plugin is another key).
     */
    private record Key(UpstreamConfig config, int maxHeaderSize, List<Object> factories) {
    }

    UpstreamStates(ConfigPlan plan, StateStore.Scope scope, Path home, Supplier<ScriptHost> scripts) {
        this.plan = plan;
        this.scope = scope;
        this.home = home;
        this.scripts = scripts;
    }

    /** @return the config's upstreams by name, carried over or created (and started) */
    Map<String, Upstream> take(GatewayConfig config) throws ConfigException {
        int maxHeaderSize = (int) config.server().limits().maxHeaderSize().bytes();
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        for (Map.Entry<String, UpstreamConfig> entry : config.upstreams().entrySet()) {
            String name = entry.getKey();
            Key key = new Key(entry.getValue(), maxHeaderSize, factories(name));
            try {
                upstreams.put(name, scope.take("upstream '" + name + "'", "upstream", key,
                        inner -> create(name, key, inner)));
            } catch (ConfigException e) {
                throw e;
            } catch (Exception e) {
                throw new ConfigException("config", List.of(new Problem(ConfigPath.key("upstreams", name),
                        "could not be created: " + Failures.describe(e))));
            }
        }
        for (Upstream upstream : upstreams.values()) {
            if (!created.contains(upstream)) {
                upstream.reloaded();
            }
        }
        return upstreams;
    }

    /** The factories of the upstream's components, wrapped so that a key compares them by identity. */
    private List<Object> factories(String name) {
        String base = ConfigPath.key("upstreams", name);
        List<Object> factories = new ArrayList<>();
        for (String part : List.of("discovery", "balancer", "transport")) {
            ConfigPlan.Bound bound = plan.find(ConfigPath.key(base, part));
            factories.add(bound == null ? null : new Identity(bound.factory()));
        }
        return factories;
    }

    private record Identity(Object of) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity that && that.of == of;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(of);
        }
    }

    /** @return the names of the upstreams {@link #take} created rather than carried over, in config order */
    List<String> createdNames() {
        return created.stream().map(Upstream::name).toList();
    }

    /**
     * Waits until every upstream created by {@link #take} has its first endpoint list, or
     * {@link #FIRST_ENDPOINTS_WAIT} has passed; those still without one serve 503 until it arrives.
     */
    void awaitFirstEndpoints() {
        long deadline = System.nanoTime() + FIRST_ENDPOINTS_WAIT.toNanos();
        for (Upstream upstream : created) {
            try {
                if (!upstream.awaitFirstEndpoints(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    LOG.log(Level.WARNING, "upstream {0}: discovery gave no endpoint list within {1}; it answers 503 "
                            + "until one arrives", upstream.name(), FIRST_ENDPOINTS_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Upstream create(String name, Key key, StateStore.Scope inner) throws ConfigException {
        String base = ConfigPath.key("upstreams", name);
        String owner = "upstream '" + name + "'";
        UpstreamTls tls;
        try {
            tls = UpstreamTls.of(key.config().tls(), home, name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config", List.of(new Problem(ConfigPath.key(base, "tls"), e.getMessage())));
        }
        ServiceDiscovery discovery = (ServiceDiscovery) component(ConfigPath.key(base, "discovery"), owner, inner);
        LoadBalancer balancer;
        try {
            balancer = (LoadBalancer) component(ConfigPath.key(base, "balancer"), owner, inner);
        } catch (ConfigException | RuntimeException | Error e) {
            closeQuietly(discovery);
            throw e;
        }
        Transport transport = null;
        if (key.config().transport() != null) {
            try {
                transport = (Transport) component(ConfigPath.key(base, "transport"), owner, inner);
            } catch (ConfigException | RuntimeException | Error e) {
                closeQuietly(balancer);
                closeQuietly(discovery);
                throw e;
            }
        }
        Upstream upstream = new Upstream(name, balancer, discovery,
                new UpstreamClient(key.config().connectTimeout(), key.maxHeaderSize(), tls), key.config(), transport);
        try {
            upstream.start();
        } catch (RuntimeException | Error e) {
            ComponentCreation.rethrowIfFatal(e);
            upstream.close();
            throw new ConfigException("config", List.of(new Problem(ConfigPath.key(base, "discovery"),
                    "could not watch '" + name + "': " + Failures.describe(e))));
        }
        created.add(upstream);
        return upstream;
    }

    private AutoCloseable component(String path, String owner, StateStore.Scope inner) throws ConfigException {
        ConfigPlan.Bound bound = plan.at(path);
        return ComponentCreation.create(bound, new BuildContext(bound.factory().id(), path, home, null, scripts,
                inner, owner, bound.config()));
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "closing {0} failed: {1}", closeable, e.toString());
        }
    }
}
