package io.gatehouse.core.plugin;

import io.gatehouse.api.AdminEndpoint;
import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.GatehouseApi;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs PF4J over the {@code plugins/} folder and offers every component factory, builtin or from a plugin, in
 * one {@link ComponentRegistry}; plugins are hot-pluggable.
 *
 * <p>{@link #start} loads every plugin in the folder (JAR files, plugin folders and ZIPs), starts them and collects
 * their {@link ComponentFactory} extensions (listed in their {@code META-INF/extensions.idx}). A plugin that cannot
 * be used — unreadable descriptor, {@code Plugin-Requires} not met by this gateway's {@link GatehouseApi#VERSION},
 * missing dependency, exception in its {@code Plugin.start} or in a factory's constructor, malformed or misplaced
 * component id — is refused and reported in {@link ComponentRegistry#problems()}; the others load. Two components
 * with one id stop startup with a {@link PluginException}, since the config could not say which one it means.
 *
 * <p>{@link #refresh} looks at the folder again and applies what changed, by content hash: a new file is loaded,
 * a removed or rewritten one is taken out of the registry (with the plugins that depend on it, which are loaded
 * again), and a rewritten one loaded anew. A taken-out plugin keeps running for the generations built with it
 * ({@link #lease}); it is stopped and its class loader closed when the last of them has drained. JARs and ZIPs are
 * loaded from a private copy, so rewriting a file in {@code plugins/} never changes the classes of a loaded plugin.
 *
 * <p>Plugins see the JDK, and from the gateway {@code io.gatehouse.api}, {@code org.pf4j} and the SLF4J API only;
 * every other class comes from the plugin's own JAR or its dependencies, never from core, Helidon or the gateway's
 * libraries ({@link IsolatedPluginClassLoader}).
 */
public final class PluginHost implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginHost.class.getName());

    private final Path pluginsDir;
    private final List<ComponentRegistry.Candidate> builtins;
    private final GatehousePluginManager manager;
    private final PluginFiles files = new PluginFiles();
    private final ReentrantLock lock = new ReentrantLock();
    /** What each file in {@code plugins/} became, by file name; replaced whole on every applied refresh. */
    private Map<String, Installed> installed = Map.of();
    /** Taken out by a refresh, still held by a serving or draining generation. */
    private final List<Installed> unplugged = new ArrayList<>();
    private final List<AdminEndpoint> adminEndpoints = new ArrayList<>();
    private volatile ComponentRegistry registry;
    private Path copies;
    private boolean closed;
    private volatile java.util.function.Consumer<ClassLoader> unloaded = loader -> { };

    private PluginHost(Path pluginsDir, List<? extends ComponentFactory<?, ?>> builtins) {
        this.pluginsDir = pluginsDir;
        this.builtins = builtins.stream().map(ComponentRegistry.Candidate::builtin).toList();
        this.manager = new GatehousePluginManager(pluginsDir);
        this.registry = ComponentRegistry.assemble(this.builtins, List.of(), List.of());
    }

    /**
     * Loads and starts the plugins in {@code pluginsDir} and builds the registry.
     *
     * @param pluginsDir the plugins folder; a missing folder means no plugins (until one is created and refreshed)
     * @param builtins   the core's own factories, registered as {@code builtin}
     * @return the running host
     * @throws PluginException if two components claim one id (naming both and their files), or a builtin has a
     *                         malformed id; the plugins are stopped and unloaded before it is thrown
     */
    public static PluginHost start(Path pluginsDir, List<? extends ComponentFactory<?, ?>> builtins) {
        Objects.requireNonNull(pluginsDir, "pluginsDir");
        PluginHost host = new PluginHost(pluginsDir, builtins);
        if (!Files.isDirectory(pluginsDir)) {
            LOG.log(System.Logger.Level.INFO, "No plugins folder at {0}; running with builtins only", pluginsDir);
            return host;
        }
        try {
            host.apply(true);
            for (Installed plugin : host.installed.values()) {
                host.adminEndpoints.addAll(plugin.endpoints);
                plugin.mounted = !plugin.endpoints.isEmpty();
            }
            return host;
        } catch (RuntimeException | Error e) {
            host.close();
            throw e;
        }
    }

    /**
     * @param listener told of the class loader of each plugin unloaded by a hot plug, before it is closed, to let go
     *                 of what the gateway keeps of its code (meters' gauges)
     */
    public void onUnload(java.util.function.Consumer<ClassLoader> listener) {
        this.unloaded = Objects.requireNonNull(listener, "listener");
    }

    /** @return the admin API endpoints the plugins started with the gateway provide, in plugin id order */
    public List<AdminEndpoint> adminEndpoints() {
        return adminEndpoints;
    }

    /** @return the components and plugin reports as of the last applied load or refresh */
    public ComponentRegistry registry() {
        return registry;
    }

    /**
     * The current registry for a generation being built: its plugins stay loaded until the lease is closed, even
     * when a refresh takes them out meanwhile.
     */
    public ComponentRegistry.Lease lease() {
        lock.lock();
        try {
            List<Installed> held = installed.values().stream().filter(plugin -> plugin.wrapper != null).toList();
            held.forEach(plugin -> plugin.holders++);
            ComponentRegistry leased = registry;
            return new ComponentRegistry.Lease(leased, () -> letGo(held));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies the changes in {@code plugins/} since the last look.
     *
     * @return what changed; nothing when the folder holds what is loaded, or what is new is still being written
     */
    public Refresh refresh() {
        lock.lock();
        try {
            if (closed) {
                return new Refresh(false, List.of(), List.of(), List.of(), null);
            }
            return apply(false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The outcome of a {@link #refresh}.
     *
     * @param changed whether the registry changed
     * @param loaded  the files loaded (new or rewritten), by name
     * @param removed the files taken out (removed or rewritten), by name
     * @param pending the archives still being written, looked at again on the next change
     * @param refused why the change was not applied (two plugins claiming one id), or {@code null}
     */
    public record Refresh(boolean changed, List<String> loaded, List<String> removed, List<String> pending,
                          String refused) {
    }

    /**
     * The class loader of the plugin with this id in the registry, for tests that check it is let go.
     *
     * @return the loader, or {@code null} when no such plugin is loaded
     */
    public ClassLoader classLoader(String pluginId) {
        lock.lock();
        try {
            return installed.values().stream().filter(p -> p.wrapper != null && p.wrapper.getPluginId().equals(pluginId))
                    .map(p -> p.loader).findFirst().orElse(null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return the plugins a refresh took out that a serving or draining generation still uses, with the state
     *         {@code unplugged}; they are unloaded when the last of those generations has drained
     */
    public List<PluginInfo> unplugged() {
        lock.lock();
        try {
            return unplugged.stream().map(plugin -> new PluginInfo(plugin.wrapper.getPluginId(),
                    plugin.wrapper.getDescriptor().getVersion(), "unplugged", plugin.source,
                    new java.util.TreeSet<>(plugin.candidates.stream().map(c -> c.factory().id()).toList()),
                    plugin.entry.hash())).toList();
        } finally {
            lock.unlock();
        }
    }

    /** The lock is held. */
    private Refresh apply(boolean starting) {
        PluginFiles.Scan scan = files.scan(pluginsDir, starting);
        Map<String, PluginFiles.Entry> now = new LinkedHashMap<>(scan.entries());
        scan.pending().forEach(name -> {   // a file being rewritten: the loaded version stays until it is whole
            if (installed.containsKey(name)) {
                now.put(name, installed.get(name).entry);
            }
        });
        Set<String> out = new HashSet<>();
        installed.forEach((name, plugin) -> {
            PluginFiles.Entry entry = now.get(name);
            if (entry == null || !entry.hash().equals(plugin.entry.hash())) {
                out.add(name);
            }
        });
        List<String> in = now.keySet().stream().filter(name -> !installed.containsKey(name) || out.contains(name))
                .toList();
        if (out.isEmpty() && in.isEmpty()) {
            return new Refresh(false, List.of(), List.of(), scan.pending(), null);
        }
        // plugins that depend on one going out, and those refused before (a dependency may have arrived), load again
        Set<String> again = new HashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<String, Installed> plugin : installed.entrySet()) {
                if (!out.contains(plugin.getKey()) && !again.contains(plugin.getKey())
                        && (plugin.getValue().wrapper == null || plugin.getValue().wrapper.getPluginState() != PluginState.STARTED
                        || dependsOnAny(plugin.getValue(), out) || dependsOnAny(plugin.getValue(), again))) {
                    again.add(plugin.getKey());
                    grew = true;
                }
            }
        }
        List<String> removed = out.stream().sorted().toList();
        List<Installed> takenOut = new ArrayList<>();
        Set<String> touched = new HashSet<>(out);
        touched.addAll(again);
        touched.addAll(in);
        List<PluginProblem> problemsBefore = List.copyOf(manager.problems());
        for (String name : touched) {
            Installed plugin = installed.get(name);
            if (plugin != null) {
                manager.problems().removeIf(problem -> problem.source().equals(plugin.source));
                if (plugin.wrapper != null) {
                    manager.detach(plugin.wrapper);
                    takenOut.add(plugin);
                }
            }
        }
        Map<String, Installed> next = new LinkedHashMap<>(installed);
        next.keySet().removeAll(touched);
        Map<Path, PluginFiles.Entry> toLoad = new LinkedHashMap<>();
        List<String> stillPending = new ArrayList<>(scan.pending());
        for (String name : touched.stream().sorted().toList()) {
            PluginFiles.Entry entry = now.get(name);
            if (entry == null) {
                continue;
            }
            Path path = privateCopy(entry);
            if (path == null) {
                stillPending.add(name);
                continue;
            }
            toLoad.put(path, entry);
        }
        List<PluginWrapper> started = manager.loadAndStart(List.copyOf(toLoad.keySet()));
        List<Installed> fresh = new ArrayList<>();
        toLoad.forEach((path, entry) -> {
            String source = GatehousePluginManager.sourceOf(path);
            PluginWrapper wrapper = started.stream().filter(w -> w.getPluginPath().equals(path)).findFirst()
                    .orElse(null);
            Installed plugin = new Installed(entry, source, wrapper);
            if (wrapper != null) {
                plugin.loader = wrapper.getPluginClassLoader();
                if (wrapper.getPluginState() == PluginState.FAILED) {
                    manager.report(wrapper, GatehousePluginManager.label(wrapper.getDescriptor()) + " failed to start: "
                            + Failures.describe(wrapper.getFailedException()));
                } else if (wrapper.getPluginState() == PluginState.STARTED) {
                    plugin.candidates.addAll(extensionsOf(manager, wrapper, plugin.endpoints));
                    if (!starting && !plugin.endpoints.isEmpty()) {
                        LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'' ({1}): its admin endpoints are mounted at "
                                + "the next start only", wrapper.getPluginId(), source);
                    }
                }
                plugin.holders = 1;   // the host's own hold, until it is taken out
            }
            next.put(entry.name(), plugin);
            fresh.add(plugin);
        });
        ComponentRegistry assembled;
        try {
            assembled = assemble(next.values());
        } catch (PluginException e) {
            if (starting) {
                throw e;
            }
            // give the change up: the new plugins go, the old ones come back
            for (Installed plugin : fresh) {
                if (plugin.wrapper != null) {
                    manager.detach(plugin.wrapper);
                    GatehousePluginManager.release(plugin.wrapper, plugin.loader);
                }
            }
            takenOut.forEach(plugin -> manager.attach(plugin.wrapper, plugin.loader));
            manager.problems().clear();
            manager.problems().addAll(problemsBefore);
            LOG.log(System.Logger.Level.ERROR, "plugins not reloaded, the loaded ones stay: {0}", e.getMessage());
            return new Refresh(false, List.of(), List.of(), stillPending, e.getMessage());
        }
        installed = Map.copyOf(next);
        registry = assembled;
        for (Installed plugin : takenOut) {
            unplugged.add(plugin);
            if (plugin.mounted) {
                LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'' ({1}) provides admin endpoints, which are mounted "
                        + "at start only: the old ones stay (and keep the old plugin loaded) until a restart",
                        plugin.wrapper.getPluginId(), plugin.source);
                plugin.holders++;   // the admin server's hold, never let go
            }
        }
        letGo(takenOut);
        assembled.problems().forEach(problem -> LOG.log(System.Logger.Level.WARNING, problem.message()));
        List<String> loaded = fresh.stream().map(p -> p.entry.name()).filter(name -> !again.contains(name)
                || out.contains(name)).sorted().toList();
        if (starting) {
            LOG.log(System.Logger.Level.INFO, "Plugins: {0} started, {1} refused; components: {2}",
                    manager.getStartedPlugins().size(), assembled.problems().size(), assembled.ids());
        } else {
            LOG.log(System.Logger.Level.INFO, "Plugins changed: loaded {0}, taken out {1}; components: {2}", loaded,
                    removed, assembled.ids());
        }
        return new Refresh(true, loaded, removed, stillPending, null);
    }

    /** @param names files of {@code plugins/}; whether {@code plugin} names one of their plugins as a dependency */
    private boolean dependsOnAny(Installed plugin, Set<String> names) {
        Set<String> ids = new HashSet<>();
        names.forEach(name -> {
            Installed other = installed.get(name);
            if (other != null && other.wrapper != null) {
                ids.add(other.wrapper.getPluginId());
            }
        });
        return plugin.wrapper.getDescriptor().getDependencies().stream()
                .anyMatch(dependency -> ids.contains(dependency.getPluginId()));
    }

    private ComponentRegistry assemble(java.util.Collection<Installed> plugins) {
        List<ComponentRegistry.Candidate> candidates = new ArrayList<>(builtins);
        List<PluginInfo> infos = new ArrayList<>();
        List<Installed> sorted = plugins.stream().filter(p -> p.wrapper != null)
                .sorted(Comparator.comparing(p -> p.wrapper.getPluginId())).toList();
        for (Installed plugin : sorted) {
            candidates.addAll(plugin.candidates);
            infos.add(new PluginInfo(plugin.wrapper.getPluginId(), plugin.wrapper.getDescriptor().getVersion(),
                    plugin.wrapper.getPluginState().name().toLowerCase(Locale.ROOT), plugin.source, null,
                    plugin.entry.hash()));
        }
        return ComponentRegistry.assemble(candidates, manager.problems(), infos);
    }

    /** Copies a JAR or ZIP where rewriting {@code plugins/} cannot reach it; a ZIP is unpacked there. */
    private Path privateCopy(PluginFiles.Entry entry) {
        if (!entry.archive()) {
            return entry.path();
        }
        try {
            if (copies == null) {
                copies = Files.createTempDirectory("gatehouse-plugins-");
            }
            Path folder = copies.resolve(entry.hash().substring(0, 16) + "-" + System.nanoTime());
            Files.createDirectories(folder);
            Path copy = folder.resolve(entry.name());
            Files.copy(entry.path(), copy, StandardCopyOption.REPLACE_EXISTING);
            if (!PluginFiles.hash(Files.readAllBytes(copy)).equals(entry.hash())) {
                deleteTree(folder);
                return null;   // rewritten since it was looked at
            }
            return entry.name().toLowerCase(Locale.ROOT).endsWith(".zip") && entry.readable()
                    ? org.pf4j.util.FileUtils.expandIfZip(copy) : copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + entry.path() + " to " + copies, e);
        }
    }

    /** Drops one hold on each plugin; a taken-out plugin nobody holds is stopped and its loader closed. */
    private void letGo(List<Installed> plugins) {
        lock.lock();
        try {
            for (Installed plugin : plugins) {
                if (--plugin.holders == 0 && plugin.wrapper != null) {
                    if (plugin.loader != null) {
                        unloaded.accept(plugin.loader);
                    }
                    GatehousePluginManager.release(plugin.wrapper, plugin.loader);
                    LOG.log(System.Logger.Level.INFO, "plugin ''{0}'' ({1}) unloaded", plugin.wrapper.getPluginId(),
                            plugin.source);
                    unplugged.remove(plugin);
                    plugin.release();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the plugins (in reverse start order) and unloads them, closing their class loaders. Components made
     * by their factories must have been closed before.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                manager.stopPlugins();
            } finally {
                manager.unloadPlugins();
                installed = Map.of();
                if (copies != null) {
                    deleteTree(copies);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot delete {0}: {1}", root, e.toString());
        }
    }

    /** One file of {@code plugins/} as loaded: its plugin (none when refused before PF4J made one). */
    private static final class Installed {
        final PluginFiles.Entry entry;
        final String source;
        PluginWrapper wrapper;
        ClassLoader loader;
        final List<ComponentRegistry.Candidate> candidates = new ArrayList<>();
        final List<AdminEndpoint> endpoints = new ArrayList<>();
        /** The host's hold while it is in the registry, and one per generation lease. */
        int holders;
        /** Whether its admin endpoints were mounted at start (they stay mounted until the gateway stops). */
        boolean mounted;

        Installed(PluginFiles.Entry entry, String source, PluginWrapper wrapper) {
            this.entry = entry;
            this.source = source;
            this.wrapper = wrapper;
        }

        void release() {
            wrapper = null;
            loader = null;
            candidates.clear();
            endpoints.clear();
        }
    }

    /**
     * Creates the plugin's factories, and its admin endpoints into {@code endpoints}; an extension that cannot be
     * created is reported and skipped.
     */
    private static List<ComponentRegistry.Candidate> extensionsOf(GatehousePluginManager manager, PluginWrapper plugin,
                                                                  List<AdminEndpoint> endpoints) {
        List<ComponentRegistry.Candidate> found = new ArrayList<>();
        String source = GatehousePluginManager.sourceOf(plugin.getPluginPath());
        String label = GatehousePluginManager.label(plugin.getDescriptor());
        for (String className : manager.getExtensionClassNames(plugin.getPluginId())) {
            Class<?> type;
            try {
                type = plugin.getPluginClassLoader().loadClass(className);
            } catch (ClassNotFoundException | LinkageError e) {
                manager.report(plugin, label + ": extension " + className + " cannot be loaded: "
                        + Failures.describe(e));
                continue;
            }
            boolean endpoint = AdminEndpoint.class.isAssignableFrom(type);
            if (!endpoint && !ComponentFactory.class.isAssignableFrom(type)) {
                continue; // an extension of some other plugin's extension point
            }
            try {
                if (endpoint) {
                    endpoints.add((AdminEndpoint) manager.getExtensionFactory().create(type));
                    continue;
                }
                ComponentFactory<?, ?> factory = (ComponentFactory<?, ?>) manager.getExtensionFactory().create(type);
                found.add(new ComponentRegistry.Candidate(factory, plugin.getPluginId(), source));
            } catch (RuntimeException | LinkageError e) {
                manager.report(plugin, label + ": extension " + className + " failed to create: "
                        + Failures.describe(e));
            }
        }
        return found;
    }
}
