package io.gatehouse.core;

import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.LoadedConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.generation.Generation;
import io.gatehouse.core.generation.GenerationBuilder;
import io.gatehouse.core.generation.GenerationHolder;
import io.gatehouse.core.observe.AdminViews;
import io.gatehouse.core.observe.tracing.Tracing;
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
    private final GenerationHolder generations = new GenerationHolder();
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private volatile ReloadStatus lastReload;
    private final io.opentelemetry.sdk.trace.SpanProcessor spanProcessor;
    private volatile Tracing tracing = Tracing.OFF;
    private GatewayServer server;
    private AdminServer admin;

    private Gateway(Path home, Path configFile, Map<String, String> env, PluginHost plugins,
                    io.opentelemetry.sdk.trace.SpanProcessor spanProcessor) {
        this.configFile = configFile;
        this.spanProcessor = spanProcessor;
        this.env = env;
        this.plugins = plugins;
        this.scripts = ScriptHost.start(home.resolve("scripts"));
        scripts.upstreamNames(() -> generations.current() == null ? null : generations.current().upstreams().keySet());
        this.builder = new GenerationBuilder(plugins.registry(), home, () -> scripts,
                (routeId, filterNames) -> tracing.forChain(routeId, filterNames));
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
        return start(home, configFile, env, null);
    }

    /**
     * Loads plugins and config, and starts serving, with spans going to {@code spans} (tests, embedding) instead of
     * the exporter of {@code tracing.otlp}.
     *
     * @param spans where the spans of sampled requests go, or {@code null} for the configured exporter
     * @throws ConfigException when the config is invalid; nothing is left running
     */
    public static Gateway start(Path home, Path configFile, Map<String, String> env,
                                io.opentelemetry.sdk.trace.SpanProcessor spans) throws ConfigException {
        PluginHost plugins = PluginHost.start(home.resolve("plugins"), Builtins.factories());
        plugins.registry().problemMessages().forEach(p -> LOG.log(Level.WARNING, "plugin refused: {0}", p));
        Gateway gateway = new Gateway(home, configFile, env, plugins, spans);
        try {
            gateway.startServing();
            return gateway;
        } catch (ConfigException | RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    private void startServing() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.read(configFile, env);
        if (loaded.problems().isEmpty() && loaded.config() != null) {
            tracing = Tracing.of(loaded.config().tracing(), spanProcessor);
        }
        Generation first = builder.build(loaded);
        // swapped in at once, so that whatever fails next closes it (its discovery watches run already)
        generations.swap(first);
        GatewayConfig config = first.config();
        if (config.demo().enabled()) {
            resources.add(DemoBackend.start(config.demo().host(), config.demo().port()));
        }
        lastReload = new ReloadStatus(Instant.now(), first.number(), List.of());
        server = GatewayServer.start(config.server(), generations);
        resources.add(server);
        if (config.admin().port() >= 0) {
            admin = AdminServer.start(config.admin(), new AdminViews(generations, plugins.registry(),
                    () -> lastReload, scripts, server::listening).endpoints(), plugins.adminEndpoints());
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
                Generation next = builder.build(ConfigLoader.read(configFile, env));
                warnAboutRestartOnlyChanges(current.config(), next.config());
                generations.swap(next);
                lastReload = new ReloadStatus(Instant.now(), next.number(), List.of());
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

    private void refused(Generation current, List<Problem> problems, String why) {
        lastReload = new ReloadStatus(Instant.now(), current.number(), problems);
        LOG.log(Level.ERROR, "config reload rejected; still serving generation {0}:\n{1}", current.number(), why);
    }

    private static void warnAboutRestartOnlyChanges(GatewayConfig running, GatewayConfig next) {
        if (!running.server().equals(next.server()) || !running.admin().equals(next.admin())
                || !running.demo().equals(next.demo())
                || !java.util.Objects.equals(running.tracing().otlp(), next.tracing().otlp())
                || !running.tracing().serviceName().equals(next.tracing().serviceName())) {
            LOG.log(Level.WARNING, "changes to server, admin, demo, tracing.otlp and tracing.service_name take "
                    + "effect on restart only");
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
        tracing.close();
        scripts.close();
        plugins.close();
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
