package io.gatehouse.core;

import io.gatehouse.core.admin.AdminApi;
import io.gatehouse.core.admin.AuditLog;
import io.gatehouse.core.admin.ConfigChange;
import io.gatehouse.core.admin.ConfigEdit;
import io.gatehouse.core.admin.ConfigFileWriter;
import io.gatehouse.core.admin.ConfigText;
import io.gatehouse.core.admin.ConfigView;
import io.gatehouse.core.admin.ReloadHistory;
import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.IncrementalReader;
import io.gatehouse.core.config.LoadedConfig;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.generation.Generation;
import io.gatehouse.core.generation.GenerationBuilder;
import io.gatehouse.core.generation.GenerationHolder;
import io.gatehouse.core.admin.AdminViews;
import io.gatehouse.core.observe.RequestObserver;
import io.gatehouse.core.observe.metrics.GatewayMetrics;
import io.gatehouse.core.observe.timing.ServerTiming;
import io.gatehouse.core.observe.tracing.Tracing;
import io.gatehouse.core.plugin.PluginHost;
import io.gatehouse.core.reload.ConfigWatcher;
import io.gatehouse.core.script.ScriptHost;
import io.gatehouse.core.server.AdminServer;
import io.gatehouse.core.server.DemoBackend;
import io.gatehouse.core.server.Drainable;
import io.gatehouse.core.server.GatewayServer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A running gateway: plugins, the serving config generation, the listeners and the config watcher. Start it with
 * {@link #start}; close it to stop everything.
 */
public final class Gateway implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
    /** A JAR copied into {@code plugins/} produces a burst of events; one look after it has been quiet this long. */
    private static final long PLUGINS_SETTLE_MILLIS = 300;

    private final Path configFile;
    private final Map<String, String> env;
    private final PluginHost plugins;
    /**
     * The script runtime, started by the first script filter a config creates ({@link #scripts()}): a gateway whose
     * routes use no script never pays for the GraalJS engine (seconds of start, tens of MiB; docs/benchmarks.md,
     * bench/footprint). {@code null} until then.
     */
    private volatile ScriptHost scripts;
    private final ReentrantLock scriptsLock = new ReentrantLock();
    private boolean scriptsClosed;
    private final GenerationBuilder builder;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final ServerTiming serverTiming = new ServerTiming();
    private final GenerationHolder generations = new GenerationHolder();
    private final ReentrantLock reloadLock = new ReentrantLock();
    /** Reads the config file at start and on every reload and change (under the reload lock), reusing what did not change. */
    private final IncrementalReader reader = new IncrementalReader();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Path home;
    private final ReloadHistory history = new ReloadHistory(20);
    private volatile ReloadStatus lastReload;
    private volatile Serving serving;
    private volatile String apiWritten;
    private AuditLog audit = AuditLog.OFF;
    private final io.opentelemetry.sdk.trace.SpanProcessor spanProcessor;
    private volatile Tracing tracing = Tracing.OFF;
    private GatewayServer server;
    private AdminServer admin;
    private Duration drainTimeout;
    private volatile boolean draining;
    private final List<Drainable> drainables = new CopyOnWriteArrayList<>();
    private final ReentrantLock shutdownLock = new ReentrantLock();
    private boolean stopped;

    private Gateway(Path home, Path configFile, Map<String, String> env, PluginHost plugins,
                    io.opentelemetry.sdk.trace.SpanProcessor spanProcessor) {
        this.home = home;
        this.configFile = configFile;
        this.spanProcessor = spanProcessor;
        this.env = env;
        this.plugins = plugins;
        RequestObserver.Factory traces = (routeId, filterNames) -> tracing.forChain(routeId, filterNames);
        this.builder = new GenerationBuilder(plugins::lease, home, this::scripts,
                RequestObserver.Factory.compose(List.of(requestMeters(), serverTiming, traces)),
                metrics::pluginMeters);
        metrics.upstreams(() -> generations.current() == null ? null : generations.current().upstreams());
        metrics.generation(() -> generations.current() == null ? 0 : generations.current().number());
        metrics.websocketTunnels(generations.tunnels());
        // a graceful shutdown closes every WebSocket tunnel with 1001 first; the listener's drain then waits for
        // their connections to end
        onDrain(() -> generations.tunnels().closeAll(1001, "going away"));
        plugins.onUnload(metrics::pluginUnloaded);
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
        String text = ConfigLoader.readText(configFile);
        LoadedConfig loaded = reader.read(text, configFile.toString(), env);
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
        serving = new Serving(first.number(), ConfigText.of(text));
        audit = AuditLog.open(config.admin().auditLog(), home);
        resources.add(audit);
        lastReload = history.add(new ReloadStatus(Instant.now(), first.number(), List.of(), "startup", "-"));
        audit.reload(lastReload, null, serving.text().digest());
        server = GatewayServer.start(config.server(), generations, home);
        resources.add(server);
        drainTimeout = config.server().shutdown().drainTimeout();
        metrics.openConnections(server::openConnections);
        if (config.admin().port() >= 0) {
            AdminViews views = new AdminViews(generations, plugins::registry, plugins::unplugged, () -> lastReload, this::scriptStatus,
                    () -> server.listening() || draining, () -> draining);
            AdminApi api = new AdminApi(this, views, new ConfigView(() -> serving.text().text(), configFile.toString(), env),
                    history);
            admin = AdminServer.start(config.admin(), api.operations(), plugins.adminEndpoints(),
                    Map.of("/metrics", accept -> {
                        GatewayMetrics.Scrape scrape = metrics.scrape(accept);
                        return new AdminServer.Text(scrape.contentType(), scrape.text());
                    }));
            resources.add(admin);
        }
        try {
            resources.add(ConfigWatcher.watch(configFile, this::fileChanged));
            if (java.nio.file.Files.isSymbolicLink(configFile)) {
                // a link's folder sees the link replaced; the edits of the file it points to happen elsewhere
                Path target = configFile.toRealPath();
                resources.add(ConfigWatcher.watch(target, this::fileChanged));
                LOG.log(Level.INFO, "{0} is a link to {1}: watching both", configFile, target);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot watch {0} for changes ({1}); hot reload is off", configFile,
                    e.getMessage());
        }
        Path pluginsDir = home.resolve("plugins");
        try {
            if (java.nio.file.Files.isDirectory(pluginsDir)) {
                resources.add(ConfigWatcher.watchFolder(pluginsDir, PLUGINS_SETTLE_MILLIS,
                        () -> !reloadPlugins("plugins", "plugins").refresh().pending().isEmpty()));
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot watch {0} for changes ({1}); plugins are hot-plugged by "
                    + "POST /plugins/reload only", pluginsDir, e.getMessage());
        }
    }

    /**
     * Applies the changes in {@code plugins/} (new, removed and rewritten files, told apart by content) and, when
     * the components changed, rebuilds the config with them like a reload: the new generation uses the new plugins;
     * a config that needs a component no longer there is refused and the serving generation, with the plugins it
     * was built with, stays. Plugins nothing uses any more are unloaded once their last generation has drained.
     *
     * @param source {@code plugins} (the folder watcher) or {@code api} ({@code POST /plugins/reload})
     * @param who    the admin token's name, {@code plugins} for the watcher
     */
    public PluginsReload reloadPlugins(String source, String who) {
        reloadLock.lock();
        try {
            io.gatehouse.core.plugin.PluginHost.Refresh refresh = plugins.refresh();
            if (!refresh.changed()) {
                return new PluginsReload(refresh, null);
            }
            return new PluginsReload(refresh, reload(source, who));
        } finally {
            reloadLock.unlock();
        }
    }

    /**
     * The outcome of {@link #reloadPlugins}.
     *
     * @param refresh what changed in the plugins
     * @param config  the reload of the config with the new plugins; {@code null} when no plugin changed
     */
    public record PluginsReload(io.gatehouse.core.plugin.PluginHost.Refresh refresh, ReloadStatus config) {
    }

    /** @return the plugins, for tests that check a replaced plugin's class loader is let go */
    public PluginHost plugins() {
        return plugins;
    }

    /** The watcher's callback: reloads, unless the file holds exactly what an admin API write put there. */
    private void fileChanged() {
        reloadLock.lock();
        try {
            String written = apiWritten;
            try {
                if (written != null && written.equals(ConfigText.of(ConfigLoader.readText(configFile)).digest())) {
                    return; // our own write-back, served already
                }
            } catch (ConfigException e) {
                // reload() reports it
            }
            reload();
        } finally {
            reloadLock.unlock();
        }
    }

    /**
     * Re-reads the config file and swaps in the new generation. An invalid config, or a component that fails to
     * create (with an exception or an {@link Error}, such as a plugin's {@link NoClassDefFoundError}), keeps the
     * running generation and is reported in the log and in the admin API ({@code GET /config/status}).
     *
     * @return what happened
     */
    public ReloadStatus reload() {
        return reload("file", "file");
    }

    /**
     * Like {@link #reload()}, on someone's behalf.
     *
     * @param source {@code file} (the watcher) or {@code api} ({@code POST /reload})
     * @param who    the admin token's name, {@code file} for the watcher
     */
    public ReloadStatus reload(String source, String who) {
        reloadLock.lock();
        try {
            long began = System.nanoTime();
            String before = serving.text().digest();
            String text;
            try {
                text = ConfigLoader.readText(configFile);
            } catch (ConfigException e) {
                ReloadStatus status = refused(e.problems(), e.getMessage(), source, who, true);
                audit.reload(status, before, null);
                return status;
            }
            ConfigText read = ConfigText.of(text);
            ReloadStatus status = apply(reader.read(text, configFile.toString(), env), read, source, who,
                    false, began);
            audit.reload(status, before, read.digest());
            return status;
        } finally {
            reloadLock.unlock();
        }
    }

    /**
     * Changes the config through the admin API: edits the file's text, builds the edited config exactly as a
     * reload would, writes it back to the file (atomically) and swaps it in. Serialised with reloads.
     *
     * @param ifMatch the entity tags the change may be based on ({@code If-Match}), or {@code null} for any
     * @param edit    the edit of the file's text
     * @return the outcome; a refused edit leaves the file and the serving generation as they were
     */
    public ConfigChange change(java.util.Set<String> ifMatch, String who, ConfigEdit edit) {
        reloadLock.lock();
        try {
            if (ifMatch != null && !ifMatch.contains(serving.etag())) {
                return audited(edit, who, ConfigChange.refused(412, "stale", "the config changed: "
                        + serving.etag() + " serves, the change was based on " + String.join(", ", ifMatch)
                        + "; read it again and retry"));
            }
            long began = System.nanoTime();
            String text = ConfigLoader.readText(configFile);
            if (!ConfigText.of(text).digest().equals(serving.text().digest())) {
                return audited(edit, who, ConfigChange.refused(409, "config_file_changed", configFile
                        + " was edited and that edit is not serving (see GET /config/status); fix or reload it "
                        + "before changing the config here"));
            }
            ConfigEdit.Edited edited = edit.apply(text);
            if (edited.refusal() != null) {
                return audited(edit, who, edited.refusal());
            }
            ConfigText next = ConfigText.of(edited.text());
            ReloadStatus status = apply(reader.read(next.text(), configFile.toString(), env), next, "api", who,
                    true, began);
            return audited(edit, who, ConfigChange.done(status, edited));
        } catch (ConfigException e) {
            return audited(edit, who, ConfigChange.refused(500, "config_unreadable", e.getMessage()));
        } catch (java.io.UncheckedIOException e) {
            return audited(edit, who, ConfigChange.refused(500, "config_write_failed", "cannot write "
                    + configFile + ": " + e.getCause().getMessage() + "; nothing was changed"));
        } finally {
            reloadLock.unlock();
        }
    }

    private ConfigChange audited(ConfigEdit edit, String who, ConfigChange change) {
        audit.change(edit.action(), edit.target(), who, change, generations.current().number());
        return change.withEtag(serving.etag());
    }

    /**
     * Builds {@code candidate} and swaps it in; the one path of every config change (file, API). Must hold the
     * reload lock.
     *
     * @param writeBack write {@code text} to the config file before the swap (an admin API change)
     */
    private ReloadStatus apply(LoadedConfig candidate, ConfigText text, String source, String who,
                               boolean writeBack, long began) {
        Generation current = generations.current();
        long started = System.nanoTime();
        try {
            Generation next = builder.build(candidate);
            long builtMillis = (System.nanoTime() - started) / 1_000_000;
            if (writeBack) {
                try {
                    ConfigFileWriter.write(configFile, text.text());
                } catch (IOException e) {
                    next.close();
                    LOG.log(Level.ERROR, "cannot write the config back to " + configFile, e);
                    throw new java.io.UncheckedIOException(e);
                }
                apiWritten = text.digest();
            } else {
                apiWritten = null;
            }
            warnAboutRestartOnlyChanges(current.config(), next.config());
            generations.swap(next);
            serving = new Serving(next.number(), text);
            lastReload = history.add(new ReloadStatus(Instant.now(), next.number(), List.of(), source, who));
            metrics.reloaded(true);
            LOG.log(Level.INFO, "config {0} by {1}: generation {2}, {3} route(s), live {4} ms after the file was read "
                    + "(parsed and checked in {5} ms, built in {6} ms)", writeBack ? "changed" : "reloaded", who,
                    next.number(), next.config().routes().size(),
                    String.valueOf((System.nanoTime() - began) / 1_000_000),
                    String.valueOf((started - began) / 1_000_000), String.valueOf(builtMillis));
        } catch (ConfigException e) {
            return refused(e.problems(), e.getMessage(), source, who, !writeBack);
        } catch (RuntimeException | LinkageError e) {
            // a bug of ours, not the config's: the builder reports every failure of a component as a problem
            LOG.log(Level.ERROR, "config reload failed", e);
            return refused(List.of(new Problem(configFile.toString(), "reload failed: " + e)), e.toString(), source,
                    who, !writeBack);
        }
        return lastReload;
    }

    /** @param fromFile whether the file holds the refused config (then it is the last reload's result) */
    private ReloadStatus refused(List<Problem> problems, String why, String source, String who, boolean fromFile) {
        long number = generations.current().number();
        metrics.reloaded(false);
        ReloadStatus status = history.add(new ReloadStatus(Instant.now(), number, problems, source, who));
        if (fromFile) {
            lastReload = status;
        }
        LOG.log(Level.ERROR, "config {0} rejected; still serving generation {1}:\n{2}",
                fromFile ? "reload" : "change by " + who, number, why);
        return status;
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

    /** @return whether the public listener speaks TLS */
    public boolean secure() {
        return server.secure();
    }

    /** @return the port of the admin listener, or -1 when it is disabled */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** @return the number of the serving generation */
    public long generation() {
        return generations.current().number();
    }

    /**
     * @return the entity tag of the serving config: {@code "<generation>-<digest>"} (quoted), where the digest is
     * of the config file's text, so a tag from before a restart never matches a different config after it
     */
    public String etag() {
        return serving.etag();
    }

    /** @return the outcome of the last (re)load */
    public ReloadStatus lastReload() {
        return lastReload;
    }

    /**
     * Registers something to end when a graceful {@link #shutdown()} starts (WebSocket tunnels: close 1001).
     */
    public void onDrain(Drainable drainable) {
        drainables.add(drainable);
    }

    /** @return whether a graceful shutdown has begun ({@code /ready} answers 503 from then on) */
    public boolean draining() {
        return draining;
    }

    /**
     * Stops gracefully, for SIGTERM (see docs/shutdown.md): {@code /ready} answers 503 at once, the {@link Drainable}s
     * are told, the public listener stops accepting and drains for up to {@code server.shutdown.drain_timeout}
     * (requests in flight finish, streams still open at the end are ended cleanly), then everything closes. Only the
     * first call (of this and {@link #close()}) stops the gateway; later ones wait until it has.
     */
    public void shutdown() {
        shutdownLock.lock();
        try {
            if (stopped) {
                return;
            }
            draining = true;
            if (server != null) {
                LOG.log(Level.INFO, "shutting down: /ready answers 503, the listener on port {0} accepts no more "
                        + "connections, requests in flight get up to {1} ms to finish", String.valueOf(server.port()),
                        String.valueOf(drainTimeout.toMillis()));
                for (Drainable drainable : drainables) {
                    try {
                        drainable.drain();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "draining " + drainable + " failed", e);
                    }
                }
                server.drain(drainTimeout);
            }
            close();
            LOG.log(Level.INFO, "stopped");
        } finally {
            shutdownLock.unlock();
        }
    }

    @Override
    public void close() {
        shutdownLock.lock();
        try {
            if (!stopped) {
                stopped = true;
                closeAll();
            }
        } finally {
            shutdownLock.unlock();
        }
    }

    private void closeAll() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "stopping " + resources.get(i) + " failed", e);
            }
        }
        generations.close();
        tracing.close();
        closeScripts();
        plugins.close();
        metrics.close();
    }

    /** The script runtime, started on first use; a generation being built asks for it when it creates a script filter. */
    private ScriptHost scripts() {
        ScriptHost host = scripts;
        if (host != null) {
            return host;
        }
        scriptsLock.lock();
        try {
            if (scriptsClosed) {
                throw new IllegalStateException("the gateway is stopped");
            }
            if (scripts == null) {
                host = ScriptHost.start(home.resolve("scripts"));
                host.upstreamNames(() -> generations.current() == null ? null
                        : generations.current().upstreams().keySet());
                host.onFailure(metrics::scriptFailed);
                scripts = host;
            }
            return scripts;
        } finally {
            scriptsLock.unlock();
        }
    }

    /** {@code GET /scripts}: the runtime's view, or no scripts (and no runtime) while no route has used one. */
    private Map<String, Object> scriptStatus() {
        ScriptHost host = scripts;
        if (host != null) {
            return host.status();
        }
        Map<String, Object> none = new java.util.LinkedHashMap<>();
        none.put("runtime", null);
        none.put("scripts", List.of());
        return none;
    }

    private void closeScripts() {
        scriptsLock.lock();
        try {
            scriptsClosed = true;
            if (scripts != null) {
                scripts.close();
            }
        } finally {
            scriptsLock.unlock();
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

    /** The serving generation's number and the text it was built from, swapped together. */
    /**
     * Writes the audit line of an admin API change refused before it became an edit (a bad name, media type,
     * body or {@code ${VAR}} reference).
     */
    public void auditRefused(String action, String target, String who, int status) {
        audit.change(action, target, who, ConfigChange.refused(status, "refused", "refused"),
                generations.current().number());
    }

    /** @return the text of the config file the serving generation was built from */
    public String configText() {
        return serving.text().text();
    }

    private record Serving(long generation, ConfigText text) {
        String etag() {
            return "\"" + generation + "-" + text.digest().substring(0, 16) + "\"";
        }
    }

    /**
     * The outcome of a config (re)load or change.
     *
     * @param at         when it happened
     * @param generation the generation serving afterwards
     * @param problems   why the new config was rejected; empty when it was applied
     * @param source     {@code startup}, {@code file} (the watcher) or {@code api}
     * @param who        the admin token's name; {@code file} for the watcher, {@code -} at startup or when the
     *                   admin API is open
     */
    public record ReloadStatus(Instant at, long generation, List<Problem> problems, String source, String who) {
        public ReloadStatus {
            problems = List.copyOf(problems);
        }

        /** A file reload's outcome. */
        public ReloadStatus(Instant at, long generation, List<Problem> problems) {
            this(at, generation, problems, "file", "file");
        }

        /** @return whether the change was applied */
        public boolean applied() {
            return problems.isEmpty();
        }
    }
}
