package io.gatehouse.core.plugin;

import io.gatehouse.api.AdminEndpoint;
import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.GatehouseApi;
import org.pf4j.PluginWrapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
    private Map<String, LoadedPlugin> installed = Map.of();
    /** Taken out by a refresh, still held by a serving or draining generation. */
    private final List<LoadedPlugin> unplugged = new ArrayList<>();
    private final List<AdminEndpoint> adminEndpoints = new ArrayList<>();
    private volatile ComponentRegistry registry;
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
        ReportedRefusals.install();
        PluginHost host = new PluginHost(pluginsDir, builtins);
        if (!Files.isDirectory(pluginsDir)) {
            LOG.log(System.Logger.Level.INFO, "No plugins folder at {0}; running with builtins only", pluginsDir);
            return host;
        }
        try {
            host.apply(true);
            for (LoadedPlugin plugin : host.installed.values().stream().filter(LoadedPlugin::loaded)
                    .sorted(Comparator.comparing(LoadedPlugin::id)).toList()) {
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
            List<LoadedPlugin> held = installed.values().stream().filter(LoadedPlugin::loaded).toList();
            held.forEach(plugin -> plugin.holders++);
            ComponentRegistry leased = registry;
            java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
            return new ComponentRegistry.Lease(leased, () -> {
                if (open.getAndSet(false)) {
                    letGo(held);
                }
            });
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
            return installed.values().stream().filter(plugin -> plugin.loaded() && plugin.id().equals(pluginId))
                    .map(plugin -> plugin.loader).findFirst().orElse(null);
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
            return unplugged.stream().map(plugin -> plugin.info("unplugged")).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Looks at the folder and applies what changed. The lock is held. */
    private Refresh apply(boolean starting) {
        PluginFiles.Scan scan = files.scan(pluginsDir, starting);
        Change change = Change.of(scan, installed);
        if (change.out().isEmpty() && change.in().isEmpty()) {
            return new Refresh(false, List.of(), List.of(), scan.pending(), null);
        }
        List<PluginProblem> problemsBefore = List.copyOf(manager.problems());
        List<LoadedPlugin> takenOut = takeOut(change.touched());
        List<String> pending = new ArrayList<>(scan.pending());
        List<LoadedPlugin> fresh = load(change, pending);
        Map<String, LoadedPlugin> next = new LinkedHashMap<>(installed);
        next.keySet().removeAll(change.touched());
        fresh.forEach(plugin -> next.put(plugin.entry.name(), plugin));
        ComponentRegistry assembled;
        try {
            assembled = assemble(next.values());
        } catch (PluginException e) {
            if (starting) {
                throw e;
            }
            giveUp(fresh, takenOut, problemsBefore);
            LOG.log(System.Logger.Level.ERROR, "plugins not reloaded, the loaded ones stay: {0}", e.getMessage());
            return new Refresh(false, List.of(), List.of(), pending, e.getMessage());
        }
        installed = Map.copyOf(next);
        registry = assembled;
        unplug(takenOut);
        assembled.problems().forEach(problem -> LOG.log(System.Logger.Level.WARNING, problem.message()));
        List<String> loaded = fresh.stream().map(plugin -> plugin.entry.name())
                .filter(name -> !change.again().contains(name)).sorted().toList();
        List<String> removed = change.out().stream().sorted().toList();
        if (starting) {
            LOG.log(System.Logger.Level.INFO, "Plugins: {0} started, {1} refused; components: {2}",
                    manager.getStartedPlugins().size(), assembled.problems().size(), assembled.ids());
        } else {
            LOG.log(System.Logger.Level.INFO, "Plugins changed: loaded {0}, taken out {1}; components: {2}", loaded,
                    removed, assembled.ids());
            fresh.stream().filter(plugin -> !plugin.endpoints.isEmpty()).forEach(plugin -> LOG.log(
                    System.Logger.Level.WARNING, "plugin ''{0}'' ({1}): its admin endpoints are mounted at the next "
                            + "start only", plugin.id(), plugin.source));
        }
        return new Refresh(true, loaded, removed, pending, null);
    }

    /**
     * What a look at the folder found changed, by file name.
     *
     * @param now   every file there, with the loaded version standing in for one being rewritten
     * @param out   loaded files removed or rewritten
     * @param in    files new or rewritten
     * @param again loaded files to load again: they depend on a plugin going out, or were refused or failed (a
     *              dependency may have arrived)
     */
    private record Change(Map<String, PluginFiles.Entry> now, Set<String> out, List<String> in, Set<String> again) {

        static Change of(PluginFiles.Scan scan, Map<String, LoadedPlugin> installed) {
            Map<String, PluginFiles.Entry> now = new LinkedHashMap<>(scan.entries());
            scan.pending().stream().filter(installed::containsKey)
                    .forEach(name -> now.put(name, installed.get(name).entry));
            Set<String> out = new HashSet<>();
            installed.forEach((name, plugin) -> {
                PluginFiles.Entry entry = now.get(name);
                if (entry == null || !entry.hash().equals(plugin.entry.hash())) {
                    out.add(name);
                }
            });
            List<String> in = now.keySet().stream()
                    .filter(name -> !installed.containsKey(name) || out.contains(name)).toList();
            Set<String> again = new HashSet<>();
            boolean grew = !out.isEmpty() || !in.isEmpty();
            while (grew) {
                grew = false;
                for (Map.Entry<String, LoadedPlugin> plugin : installed.entrySet()) {
                    String name = plugin.getKey();
                    if (!out.contains(name) && !again.contains(name) && (!plugin.getValue().started()
                            || dependsOnAny(plugin.getValue(), out, installed)
                            || dependsOnAny(plugin.getValue(), again, installed))) {
                        again.add(name);
                        grew = true;
                    }
                }
            }
            return new Change(now, out, in, again);
        }

        Set<String> touched() {
            Set<String> touched = new HashSet<>(out);
            touched.addAll(in);
            touched.addAll(again);
            return touched;
        }

        /** @param names files of {@code plugins/}; whether {@code plugin} depends on one of their plugins */
        private static boolean dependsOnAny(LoadedPlugin plugin, Set<String> names,
                                            Map<String, LoadedPlugin> installed) {
            Set<String> ids = new HashSet<>();
            names.stream().map(installed::get).filter(other -> other != null && other.loaded())
                    .forEach(other -> ids.add(other.id()));
            return plugin.wrapper.getDescriptor().getDependencies().stream()
                    .anyMatch(dependency -> ids.contains(dependency.getPluginId()));
        }
    }

    /** Takes the loaded plugins of these files out of PF4J's books, and forgets the problems of all of them. */
    private List<LoadedPlugin> takeOut(Set<String> names) {
        List<LoadedPlugin> takenOut = new ArrayList<>();
        for (String name : names) {
            LoadedPlugin plugin = installed.get(name);
            if (plugin != null) {
                manager.problems().removeIf(problem -> problem.source().equals(plugin.source));
                if (!plugin.loaded()) {
                    files.discard(plugin.loadedFrom);   // a refused file's copy: tried again from a new one
                } else {
                    manager.detach(plugin.wrapper);
                    takenOut.add(plugin);
                }
            }
        }
        return takenOut;
    }

    /** Loads the touched files that are there, as one batch; one that changed meanwhile goes to {@code pending}. */
    private List<LoadedPlugin> load(Change change, List<String> pending) {
        Map<Path, PluginFiles.Entry> toLoad = new LinkedHashMap<>();
        for (String name : change.touched().stream().sorted().toList()) {
            PluginFiles.Entry entry = change.now().get(name);
            if (entry != null) {
                Path path = files.loadable(entry);
                if (path == null) {
                    pending.add(name);
                } else {
                    toLoad.put(path, entry);
                }
            }
        }
        List<PluginWrapper> kept = manager.loadAndStart(List.copyOf(toLoad.keySet()));
        List<LoadedPlugin> fresh = new ArrayList<>();
        toLoad.forEach((path, entry) -> fresh.add(LoadedPlugin.of(entry, path, kept.stream()
                .filter(wrapper -> wrapper.getPluginPath().equals(path)).findFirst().orElse(null), manager)));
        return fresh;
    }

    /** Undoes a change that cannot be applied: the new plugins go, the old ones come back. */
    private void giveUp(List<LoadedPlugin> fresh, List<LoadedPlugin> takenOut, List<PluginProblem> problemsBefore) {
        for (LoadedPlugin plugin : fresh) {
            if (plugin.loaded()) {
                manager.detach(plugin.wrapper);
                GatehousePluginManager.release(plugin.wrapper, plugin.loader);
            }
            files.discard(plugin.loadedFrom);
        }
        takenOut.forEach(plugin -> manager.attach(plugin.wrapper, plugin.loader));
        manager.problems().clear();
        manager.problems().addAll(problemsBefore);
    }

    /** Lets go of the host's hold on plugins taken out; those no generation holds are unloaded now. */
    private void unplug(List<LoadedPlugin> takenOut) {
        for (LoadedPlugin plugin : takenOut) {
            unplugged.add(plugin);
            if (plugin.mounted) {
                LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'' ({1}) provides admin endpoints, which are mounted "
                        + "at start only: the old ones stay (and keep the old plugin loaded) until a restart",
                        plugin.id(), plugin.source);
                plugin.holders++;   // the admin server's hold, never let go
            }
        }
        letGo(takenOut);
    }

    private ComponentRegistry assemble(java.util.Collection<LoadedPlugin> plugins) {
        List<ComponentRegistry.Candidate> candidates = new ArrayList<>(builtins);
        List<PluginInfo> infos = new ArrayList<>();
        List<LoadedPlugin> sorted = plugins.stream().filter(LoadedPlugin::loaded)
                .sorted(Comparator.comparing(LoadedPlugin::id)).toList();
        for (LoadedPlugin plugin : sorted) {
            candidates.addAll(plugin.candidates);
            infos.add(plugin.info(null));
        }
        return ComponentRegistry.assemble(candidates, manager.problems(), infos);
    }

    /** Drops one hold on each plugin; a taken-out plugin nobody holds is stopped and its loader closed. */
    private void letGo(List<LoadedPlugin> plugins) {
        lock.lock();
        try {
            for (LoadedPlugin plugin : plugins) {
                if (--plugin.holders == 0 && plugin.loaded()) {
                    unloaded.accept(plugin.loader);
                    GatehousePluginManager.release(plugin.wrapper, plugin.loader);
                    files.discard(plugin.loadedFrom);
                    LOG.log(System.Logger.Level.INFO, "plugin ''{0}'' ({1}) unloaded", plugin.id(), plugin.source);
                    unplugged.remove(plugin);
                    plugin.forget();
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
                files.discardAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
