package io.gatehouse.core;

import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.generation.Generation;
import io.gatehouse.core.generation.GenerationBuilder;
import io.gatehouse.core.generation.GenerationHolder;
import io.gatehouse.core.observe.AdminViews;
import io.gatehouse.core.observe.RequestObserver;
import io.gatehouse.core.observe.metrics.GatewayMetrics;
import io.gatehouse.core.observe.timing.ServerTiming;
import io.gatehouse.core.plugin.PluginHost;
import io.gatehouse.core.reload.ConfigWatcher;
import io.gatehouse.core.script.ScriptHost;
import io.gatehouse.core.server.AdminServer;
import io.gatehouse.core.server.DemoBackend;
import io.gatehouse.core.server.GatewayServer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A running gateway: plugins, the serving config generation, the listeners and the config watcher. Start it with
 * {@link #start}; close it to stop everything.
 */
public final class Gateway implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final Path configFile;
    private final Map<String, String> env;
    private final PluginHost plugins;
    private final ScriptHost scripts;
    private final GenerationBuilder builder;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final ServerTiming serverTiming = new ServerTiming();
    private final GenerationHolder generations = new GenerationHolder();
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private volatile ReloadStatus lastReload;
    private GatewayServer server;
    private AdminServer admin;

    private Gateway(Path home, Path configFile, Map<String, String> env, PluginHost plugins) {
        this.configFile = configFile;
        this.env = env;
        this.plugins = plugins;
        this.scripts = ScriptHost.start(home.resolve("scripts"));
        scripts.upstreamNames(() -> generations.current() == null ? null : generations.current().upstreams().keySet());
        scripts.onFailure(metrics::scriptFailed);
        this.builder = new GenerationBuilder(plugins.registry(), home, () -> scripts,
                RequestObserver.Factory.compose(List.of(requestMeters(), serverTiming)), metrics::pluginMeters);
        metrics.upstreams(() -> generations.current() == null ? null : generations.current().upstreams());
        metrics.generation(() -> generations.current() == null ? 0 : generations.current().number());
        metrics.plugins(() -> plugins.registry().plugins().stream().collect(java.util.stream.Collectors.groupingBy(
                io.gatehouse.core.plugin.PluginInfo::state, java.util.stream.Collectors.counting())));
    }

    /**
     * Loads plugins and config, and starts serving.
     *
     * @param home       the gateway home ({@code plugins/} and {@code scripts/} are found there)
     * @param configFile the config file, watched for changes
     * @param env        the environment for {@code ${VAR}} substitution
     * @throws ConfigException when the config is invalid; nothing is left running
     */
    public static Gateway start(Path home, Path configFile, Map<String, String> env) throws ConfigException {
        PluginHost plugins = PluginHost.start(home.resolve("plugins"), Builtins.factories());
        plugins.registry().problemMessages().forEach(p -> LOG.log(Level.WARNING, "plugin refused: {0}", p));
        Gateway gateway = new Gateway(home, configFile, env, plugins);
        try {
            gateway.startServing();
            return gateway;
        } catch (ConfigException | RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    private void startServing() throws ConfigException {
        Generation first = build();
        // swapped in at once, so that whatever fails next closes it (its discovery watches run already)
        generations.swap(first);
        GatewayConfig config = first.config();
        if (config.demo().enabled()) {
            resources.add(DemoBackend.start(config.demo().host(), config.demo().port()));
        }
        lastReload = new ReloadStatus(Instant.now(), first.number(), List.of());
        server = GatewayServer.start(config.server(), generations);
        resources.add(server);
        metrics.openConnections(server::openConnections);
        if (config.admin().port() >= 0) {
            admin = AdminServer.start(config.admin(), new AdminViews(generations, plugins.registry(),
                    () -> lastReload, scripts, server::listening).endpoints(), plugins.adminEndpoints(),
                    Map.of("/metrics", accept -> {
                        GatewayMetrics.Scrape scrape = metrics.scrape(accept);
                        return new AdminServer.Text(scrape.contentType(), scrape.text());
                    }));
            resources.add(admin);
        }
        try {
            resources.add(ConfigWatcher.watch(configFile, this::reload));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot watch {0} for changes ({1}); hot reload is off", configFile,
                    e.getMessage());
        }
    }

    /**
     * Re-reads the config file and swaps in the new generation. An invalid config, or a component that fails to
     * create (with an exception or an {@link Error}, such as a plugin's {@link NoClassDefFoundError}), keeps the
     * running generation and is reported in the log and in the admin API ({@code GET /config}).
     *
     * @return what happened
     */
    public ReloadStatus reload() {
        reloadLock.lock();
        try {
            Generation current = generations.current();
            try {
                Generation next = build();
                warnAboutRestartOnlyChanges(current.config(), next.config());
                generations.swap(next);
                lastReload = new ReloadStatus(Instant.now(), next.number(), List.of());
                metrics.reloaded(true);
                LOG.log(Level.INFO, "config reloaded: generation {0}, {1} route(s)", next.number(),
                        next.config().routes().size());
            } catch (ConfigException e) {
                refused(current, e.problems(), e.getMessage());
            } catch (RuntimeException | LinkageError e) {
                // a bug of ours, not the config's: the builder reports every failure of a component as a problem
                LOG.log(Level.ERROR, "config reload failed", e);
                refused(current, List.of(new Problem(configFile.toString(), "reload failed: " + e)), e.toString());
            }
            return lastReload;
        } finally {
            reloadLock.unlock();
        }
    }

    /**
     * The request, filter and upstream meters; none with {@code -Dgatehouse.request_metrics=off}, a switch for
     * measuring their cost ({@code bench/observability}), not a config key: operators have no reason to lose them.
     */
    private RequestObserver.Factory requestMeters() {
        return "off".equals(System.getProperty("gatehouse.request_metrics")) ? RequestObserver.Factory.NOOP
                : metrics.observers();
    }

    /** Reads the config file and builds its generation; the Server-Timing routes are taken from it first. */
    private Generation build() throws ConfigException {
        io.gatehouse.core.config.LoadedConfig loaded = ConfigLoader.read(configFile, env);
        if (loaded.config() != null) {
            serverTiming.routes(loaded.config());
        }
        return builder.build(loaded);
    }

    private void refused(Generation current, List<Problem> problems, String why) {
        metrics.reloaded(false);
        lastReload = new ReloadStatus(Instant.now(), current.number(), problems);
        LOG.log(Level.ERROR, "config reload rejected; still serving generation {0}:\n{1}", current.number(), why);
    }

    private static void warnAboutRestartOnlyChanges(GatewayConfig running, GatewayConfig next) {
        if (!running.server().equals(next.server()) || !running.admin().equals(next.admin())
                || !running.demo().equals(next.demo())) {
            LOG.log(Level.WARNING, "changes to server, admin and demo take effect on restart only");
        }
    }

    /** @return the port of the public listener */
    public int port() {
        return server.port();
    }

    /** @return the port of the admin listener, or -1 when it is disabled */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** @return the outcome of the last (re)load */
    public ReloadStatus lastReload() {
        return lastReload;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "stopping " + resources.get(i) + " failed", e);
            }
        }
        generations.close();
        scripts.close();
        plugins.close();
        metrics.close();
    }

    /**
     * The outcome of a config (re)load.
     *
     * @param at         when it happened
     * @param generation the generation serving afterwards
     * @param problems   why the new config was rejected; empty when it was applied
     */
    public record ReloadStatus(Instant at, long generation, List<Problem> problems) {
    }
}
