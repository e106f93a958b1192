package io.gatehouse.core.plugin;

import io.gatehouse.api.AdminEndpoint;
import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.GatehouseApi;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs PF4J over the {@code plugins/} folder and offers every component factory, builtin or from a plugin, in
 * one {@link ComponentRegistry}.
 *
 * <p>{@link #start} loads every plugin in the folder (JAR files, plugin folders and ZIPs, which PF4J unpacks
 * next to themselves), starts them and collects their {@link ComponentFactory} extensions (listed in their
 * {@code META-INF/extensions.idx}). A plugin that cannot be used — unreadable descriptor, {@code Plugin-Requires}
 * not met by this gateway's {@link GatehouseApi#VERSION}, missing dependency, exception in its
 * {@code Plugin.start} or in a factory's constructor, malformed or misplaced component id — is refused and
 * reported in {@link ComponentRegistry#problems()}; the others load. Two components with one id stop startup
 * with a {@link PluginException}, since the config could not say which one it means.
 *
 * <p>Plugins see the JDK, and from the gateway {@code io.gatehouse.api}, {@code org.pf4j} and the SLF4J API only;
 * every other class comes from the plugin's own JAR or its dependencies, never from core, Helidon or the gateway's
 * libraries ({@link IsolatedPluginClassLoader}).
 */
public final class PluginHost implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginHost.class.getName());

    private final GatehousePluginManager manager;
    private final ComponentRegistry registry;
    private final List<AdminEndpoint> adminEndpoints;

    private PluginHost(GatehousePluginManager manager, ComponentRegistry registry, List<AdminEndpoint> adminEndpoints) {
        this.manager = manager;
        this.registry = registry;
        this.adminEndpoints = List.copyOf(adminEndpoints);
    }

    /**
     * Loads and starts the plugins in {@code pluginsDir} and builds the registry.
     *
     * @param pluginsDir the plugins folder; a missing folder means no plugins
     * @param builtins   the core's own factories, registered as {@code builtin}
     * @return the running host
     * @throws PluginException if two components claim one id (naming both and their files), or a builtin has a
     *                         malformed id; the plugins are stopped and unloaded before it is thrown
     */
    public static PluginHost start(Path pluginsDir, List<? extends ComponentFactory<?, ?>> builtins) {
        Objects.requireNonNull(pluginsDir, "pluginsDir");
        List<ComponentRegistry.Candidate> candidates = new ArrayList<>();
        builtins.forEach(builtin -> candidates.add(ComponentRegistry.Candidate.builtin(builtin)));
        if (!Files.isDirectory(pluginsDir)) {
            LOG.log(System.Logger.Level.INFO, "No plugins folder at {0}; running with builtins only", pluginsDir);
            return new PluginHost(null, ComponentRegistry.assemble(candidates, List.of(), List.of()), List.of());
        }

        ReportedRefusals.install();
        GatehousePluginManager manager = new GatehousePluginManager(pluginsDir);
        try {
            manager.loadPlugins();
            refuseUnbundled(manager);
            manager.startPlugins();
            List<PluginInfo> infos = new ArrayList<>();
            List<AdminEndpoint> endpoints = new ArrayList<>();
            List<PluginWrapper> plugins = new ArrayList<>(manager.getPlugins());
            plugins.sort(Comparator.comparing(PluginWrapper::getPluginId));
            for (PluginWrapper plugin : plugins) {
                infos.add(new PluginInfo(plugin.getPluginId(), plugin.getDescriptor().getVersion(),
                        plugin.getPluginState().name().toLowerCase(Locale.ROOT),
                        GatehousePluginManager.sourceOf(plugin.getPluginPath()), null));
                if (plugin.getPluginState() == PluginState.FAILED) {
                    manager.report(plugin, Failures.missingClass(plugin.getFailedException())
                            .filter(name -> !name.equals(plugin.getDescriptor().getPluginClass()))
                            .map(name -> MissingClasses.message(plugin.getPluginId(), name))
                            .orElseGet(() -> GatehousePluginManager.label(plugin.getDescriptor()) + " failed to start: "
                                    + Failures.describe(plugin.getFailedException())));
                } else if (plugin.getPluginState() == PluginState.STARTED) {
                    candidates.addAll(extensionsOf(manager, plugin, endpoints));
                }
            }
            ComponentRegistry registry = ComponentRegistry.assemble(candidates, manager.problems(), infos);
            registry.problems().forEach(problem -> LOG.log(System.Logger.Level.WARNING, problem.message()));
            LOG.log(System.Logger.Level.INFO, "Plugins: {0} started, {1} refused; components: {2}",
                    manager.getStartedPlugins().size(), registry.problems().size(), registry.ids());
            return new PluginHost(manager, registry, endpoints);
        } catch (RuntimeException | Error e) {
            shutDown(manager);
            throw e;
        }
    }

    /** @return the admin API endpoints the started plugins provide, in plugin id order */
    public List<AdminEndpoint> adminEndpoints() {
        return adminEndpoints;
    }

    /** @return the components and plugin reports of this host */
    public ComponentRegistry registry() {
        return registry;
    }

    /**
     * Stops the plugins (in reverse start order) and unloads them, closing their class loaders. Components made
     * by their factories must have been closed before.
     */
    @Override
    public void close() {
        if (manager != null) {
            shutDown(manager);
        }
    }

    private static void shutDown(GatehousePluginManager manager) {
        try {
            manager.stopPlugins();
        } finally {
            manager.unloadPlugins();
        }
    }

    /**
     * Refuses, before it starts, each plugin whose extensions' code refers to a class it cannot load: a library it
     * did not bundle ({@link MissingClasses}).
     */
    private static void refuseUnbundled(GatehousePluginManager manager) {
        for (PluginWrapper plugin : new ArrayList<>(manager.getResolvedPlugins())) {
            String id = plugin.getPluginId();
            if (manager.getPlugin(id) == null) {
                continue; // unloaded below as the dependent of a refused one
            }
            for (String className : manager.getExtensionClassNames(id)) {
                Optional<String> missing = MissingClasses.firstMissing(plugin.getPluginClassLoader(), className);
                if (missing.isPresent()) {
                    manager.report(plugin, MissingClasses.message(id, missing.get()));
                    for (PluginWrapper other : manager.getResolvedPlugins()) {
                        if (other.getDescriptor().getDependencies().stream()
                                .anyMatch(dependency -> dependency.getPluginId().equals(id))) {
                            manager.report(other, GatehousePluginManager.label(other.getDescriptor())
                                    + " depends on plugin '" + id + "', which was refused; it was not loaded");
                        }
                    }
                    manager.unloadPlugin(id); // and its dependents
                    break;
                }
            }
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
                manager.report(plugin, Failures.missingClass(e).filter(name -> !name.equals(className))
                        .map(name -> MissingClasses.message(plugin.getPluginId(), name))
                        .orElseGet(() -> label + ": extension " + className + " cannot be loaded: "
                                + Failures.describe(e)));
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
