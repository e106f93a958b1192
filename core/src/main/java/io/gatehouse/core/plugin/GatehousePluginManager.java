package io.gatehouse.core.plugin;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.GatehouseApi;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.DependencyResolver;
import org.pf4j.ExtensionFinder;
import org.pf4j.JarPluginLoader;
import org.pf4j.LegacyExtensionFinder;
import org.pf4j.Plugin;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginStateEvent;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PF4J's {@link DefaultPluginManager} (JAR, folder and ZIP plugins) tuned so that one broken plugin is refused
 * with a clear {@link PluginProblem} while the others load: an unreadable descriptor, an unmet
 * {@code Plugin-Requires}, a missing or wrong-version dependency and a dependency cycle each unload the plugins
 * concerned instead of failing the batch. Not thread-safe; used by {@link PluginHost} only.
 */
final class GatehousePluginManager extends DefaultPluginManager {

    private final List<PluginProblem> problems = new ArrayList<>();
    private Path loading;

    GatehousePluginManager(Path pluginsDir) {
        super(pluginsDir);
        setSystemVersion(GatehouseApi.VERSION);
        // PF4J 3.13 defaults to THROW_EXCEPTION, which fails every plugin when one dependency is missing.
        setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
    }

    List<PluginProblem> problems() {
        return problems;
    }

    void report(PluginWrapper plugin, String message) {
        problems.add(new PluginProblem(plugin.getPluginId(), sourceOf(plugin.getPluginPath()), message));
    }

    static String sourceOf(Path path) {
        return path == null || path.getFileName() == null ? String.valueOf(path) : path.getFileName().toString();
    }

    static String label(PluginDescriptor descriptor) {
        return "plugin '" + descriptor.getPluginId() + "' " + descriptor.getVersion();
    }

    /**
     * Loads the plugins at {@code paths} as one batch (so they may depend on each other in any order), resolves
     * them and starts those that resolved, in dependency order. Plugins already loaded are left as they are.
     *
     * @return the plugins of the batch PF4J kept (started or failed to start); the others are in {@link #problems()}
     */
    List<PluginWrapper> loadAndStart(List<Path> paths) {
        List<PluginWrapper> loaded = new ArrayList<>();
        for (Path path : paths) {
            try {
                loaded.add(loadPluginFromPath(path));
            } catch (PluginRuntimeException e) {
                // recorded as a problem by loadPluginFromPath
            }
        }
        resolvePlugins();
        refuseUnbundled(loaded);
        for (PluginWrapper plugin : List.copyOf(resolvedPlugins)) {
            if (loaded.contains(plugin) && plugin.getPluginState() == PluginState.RESOLVED) {
                start(plugin);
            }
        }
        return loaded.stream().filter(plugin -> plugins.get(plugin.getPluginId()) == plugin).toList();
    }

    /**
     * Refuses, before it starts, each plugin of the batch whose extensions' code refers to a class it cannot load: a
     * library it did not bundle ({@link MissingClasses}). Its dependents go with it.
     */
    private void refuseUnbundled(List<PluginWrapper> batch) {
        for (PluginWrapper plugin : List.copyOf(resolvedPlugins)) {
            String id = plugin.getPluginId();
            if (!batch.contains(plugin) || getPlugin(id) != plugin) {
                continue; // not new, or unloaded below as the dependent of a refused one
            }
            for (String className : getExtensionClassNames(id)) {
                Optional<String> missing = MissingClasses.firstMissing(plugin.getPluginClassLoader(), className);
                if (missing.isPresent()) {
                    report(plugin, MissingClasses.message(id, missing.get()));
                    for (PluginWrapper other : List.copyOf(resolvedPlugins)) {
                        if (other.getDescriptor().getDependencies().stream()
                                .anyMatch(dependency -> dependency.getPluginId().equals(id))) {
                            report(other, label(other.getDescriptor()) + " depends on plugin '" + id
                                    + "', which was refused; it was not loaded");
                        }
                    }
                    unloadPlugin(id); // and its dependents
                    break;
                }
            }
        }
    }

    /** Like PF4J's start, for one plugin whose dependencies were started before it. */
    private void start(PluginWrapper plugin) {
        try {
            plugin.getPlugin().start();
            plugin.setPluginState(PluginState.STARTED);
            plugin.setFailedException(null);
            startedPlugins.add(plugin);
        } catch (Exception | LinkageError e) {
            plugin.setPluginState(PluginState.FAILED);
            plugin.setFailedException(e);
        }
        firePluginStateEvent(new PluginStateEvent(this, plugin, PluginState.RESOLVED));
    }

    /**
     * Takes a plugin out of PF4J's books without stopping it or closing its class loader, so that a new version
     * with the same id can load while generations built with this one still serve; {@link #release} ends it once
     * none does, {@link #attach} puts it back when the change is given up.
     */
    ClassLoader detach(PluginWrapper plugin) {
        String id = plugin.getPluginId();
        plugins.remove(id, plugin);
        resolvedPlugins.remove(plugin);
        unresolvedPlugins.remove(plugin);
        startedPlugins.remove(plugin);
        ClassLoader loader = pluginClassLoaders.remove(id);
        firePluginStateEvent(new PluginStateEvent(this, plugin, plugin.getPluginState()));  // drops cached extensions
        return loader;
    }

    /** Undoes {@link #detach}. */
    void attach(PluginWrapper plugin, ClassLoader loader) {
        plugins.put(plugin.getPluginId(), plugin);
        pluginClassLoaders.put(plugin.getPluginId(), loader);
        resolvedPlugins.add(plugin);
        if (plugin.getPluginState() == PluginState.STARTED) {
            startedPlugins.add(plugin);
        }
        firePluginStateEvent(new PluginStateEvent(this, plugin, plugin.getPluginState()));
    }

    /** Stops a detached plugin and closes its class loader: nothing of the gateway refers to it any more. */
    static void release(PluginWrapper plugin, ClassLoader loader) {
        try {
            if (plugin.getPluginState() == PluginState.STARTED) {
                plugin.getPlugin().stop();
            }
            plugin.setPluginState(PluginState.STOPPED);
        } catch (Exception | LinkageError e) {
            System.getLogger(PluginHost.class.getName()).log(System.Logger.Level.WARNING, label(plugin.getDescriptor())
                    + ": Plugin.stop failed: " + Failures.describe(e));
        }
        if (loader instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                // its files are gone with the private copy anyway
            }
        }
    }

    /** The development mode (plugins as Maven/Gradle project folders) is not for a gateway. */
    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    protected PluginLoader createPluginLoader() {
        ClassLoader gateway = ComponentFactory.class.getClassLoader();
        return new CompoundPluginLoader()
                .add(new JarPluginLoader(this) {
                    @Override
                    public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
                        PluginClassLoader loader = new IsolatedPluginClassLoader(pluginManager, descriptor, gateway);
                        loader.addFile(pluginPath.toFile());
                        return loader;
                    }
                })
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                        return new IsolatedPluginClassLoader(pluginManager, descriptor, gateway);
                    }
                });
    }

    /** Extensions are listed in {@code META-INF/extensions.idx}, written by PF4J's annotation processor. */
    @Override
    protected ExtensionFinder createExtensionFinder() {
        LegacyExtensionFinder finder = new LegacyExtensionFinder(this);
        addPluginStateListener(finder);
        return finder;
    }

    @Override
    protected PluginFactory createPluginFactory() {
        return GatehousePluginManager::createPlugin;
    }

    @Override
    protected PluginWrapper loadPluginFromPath(Path pluginPath) {
        loading = pluginPath;
        try {
            return super.loadPluginFromPath(pluginPath);
        } catch (RefusedPluginException e) {
            problems.add(new PluginProblem(e.pluginId, sourceOf(pluginPath), e.getMessage()));
            throw ReportedRefusals.reported(e);
        } catch (PluginRuntimeException e) {
            String why = String.valueOf(e.getMessage()).startsWith("No PluginDescriptorFinder")
                    ? "no readable META-INF/MANIFEST.MF or plugin.properties" : Failures.describe(e);
            problems.add(new PluginProblem(null, sourceOf(pluginPath), "plugin at '" + sourceOf(pluginPath)
                    + "': descriptor invalid: " + why
                    + " (a plugin JAR needs a manifest with Plugin-Id and Plugin-Version)"));
            throw ReportedRefusals.reported(e);
        } finally {
            loading = null;
        }
    }

    /** Refuses a plugin before its class loader exists, so nothing of it needs cleaning up. */
    @Override
    protected void validatePluginDescriptor(PluginDescriptor descriptor) {
        String id = descriptor.getPluginId();
        if (id == null || id.isBlank()) {
            throw new PluginRuntimeException("Plugin-Id is missing");
        }
        if (descriptor.getVersion() == null || descriptor.getVersion().isBlank()) {
            throw new PluginRuntimeException("Plugin-Version is missing");
        }
        super.validatePluginDescriptor(descriptor);
        try {
            getVersionManager().compareVersions(descriptor.getVersion(), descriptor.getVersion());
        } catch (RuntimeException e) {
            throw new PluginRuntimeException("Plugin-Version '" + descriptor.getVersion() + "' is not a semver "
                    + "version (e.g. 1.2.0)");
        }
        PluginWrapper loaded = getPlugin(id);
        if (loaded != null) {
            throw new RefusedPluginException(id, "plugin '" + id + "' in '" + sourceOf(loading)
                    + "' is already loaded from '" + sourceOf(loaded.getPluginPath()) + "'; remove one of them");
        }
        String requires = descriptor.getRequires().trim();
        boolean satisfied;
        try {
            satisfied = requires.isEmpty() || getVersionManager().checkVersionConstraint(GatehouseApi.VERSION,
                    requires.matches("^\\d+\\.\\d+\\.\\d+$") ? ">=" + requires : requires);
        } catch (RuntimeException e) {
            throw new RefusedPluginException(id, label(descriptor) + ": Plugin-Requires '" + requires
                    + "' is not a valid version constraint (e.g. >=1.0.0)");
        }
        if (!satisfied) {
            throw new RefusedPluginException(id, label(descriptor) + " requires plugin-api " + requires
                    + " but this gateway provides " + GatehouseApi.VERSION
                    + "; it needs a newer gateway, or use a build of the plugin for plugin-api " + GatehouseApi.VERSION);
        }
        for (PluginDependency dependency : descriptor.getDependencies()) {
            try {
                getVersionManager().checkVersionConstraint("0.0.0", dependency.getPluginVersionSupport());
            } catch (RuntimeException e) {
                throw new RefusedPluginException(id, label(descriptor) + ": Plugin-Dependencies entry '"
                        + dependency + "' has an invalid version constraint");
            }
        }
    }

    /**
     * Before PF4J drops the plugins it cannot resolve, records why. Wrong-version dependents and cycles are
     * handled here, since PF4J would unload the wrong plugin (the dependency) or give up on all of them.
     */
    @Override
    protected DependencyResolver.Result resolveDependencies() {
        List<PluginDescriptor> descriptors = plugins.values().stream().map(PluginWrapper::getDescriptor).toList();
        DependencyResolver.Result result = dependencyResolver.resolve(descriptors);
        if (result.hasCyclicDependency()) {
            for (String id : inCycles(descriptors)) {
                report(getPlugin(id), label(getPlugin(id).getDescriptor())
                        + " is part of a dependency cycle in Plugin-Dependencies; it was not loaded");
                unloadPlugin(id, false, false);
            }
            return resolveDependencies();
        }
        if (result.hasWrongVersionDependencies()) {
            Set<String> refused = new HashSet<>();
            for (DependencyResolver.WrongDependencyVersion wrong : result.getWrongVersionDependencies()) {
                if (refused.add(wrong.getDependentId())) {
                    PluginWrapper dependent = getPlugin(wrong.getDependentId());
                    report(dependent, label(dependent.getDescriptor()) + " needs plugin '" + wrong.getDependencyId()
                            + "' " + wrong.getRequiredVersion() + " but '" + wrong.getDependencyId() + "' is "
                            + wrong.getExistingVersion() + "; it was not loaded");
                }
            }
            refused.forEach(id -> unloadPlugin(id, false, false));
            return resolveDependencies();
        }
        for (String missing : result.getNotFoundDependencies()) {
            for (String dependentId : dependencyResolver.getDependents(missing)) {
                PluginWrapper dependent = getPlugin(dependentId);
                if (dependent != null) {
                    report(dependent, label(dependent.getDescriptor()) + " depends on plugin '" + missing
                            + "', which is not installed or failed to load; it was not loaded");
                }
            }
        }
        return super.resolveDependencies();
    }

    /** The plugins that can reach themselves through their dependencies. */
    private static Set<String> inCycles(List<PluginDescriptor> descriptors) {
        Map<String, List<String>> edges = descriptors.stream().collect(Collectors.toMap(
                PluginDescriptor::getPluginId,
                d -> d.getDependencies().stream().map(PluginDependency::getPluginId).toList()));
        Set<String> cyclic = new HashSet<>();
        for (String start : edges.keySet()) {
            Set<String> seen = new HashSet<>();
            List<String> todo = new ArrayList<>(edges.get(start));
            while (!todo.isEmpty()) {
                String next = todo.removeLast();
                if (next.equals(start)) {
                    cyclic.add(start);
                    break;
                }
                if (seen.add(next)) {
                    todo.addAll(edges.getOrDefault(next, List.of()));
                }
            }
        }
        return cyclic;
    }

    /** Like PF4J's default factory, but a failure says why instead of returning {@code null}. */
    private static Plugin createPlugin(PluginWrapper wrapper) {
        String className = wrapper.getDescriptor().getPluginClass();
        Class<?> type;
        try {
            type = wrapper.getPluginClassLoader().loadClass(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("Plugin-Class " + className + " cannot be loaded: " + Failures.describe(e), e);
        }
        if (!Plugin.class.isAssignableFrom(type)) {
            throw new IllegalStateException("Plugin-Class " + className + " does not extend org.pf4j.Plugin");
        }
        try {
            Constructor<?> constructor;
            try {
                constructor = type.getConstructor();
                return (Plugin) constructor.newInstance();
            } catch (NoSuchMethodException e) {
                constructor = type.getConstructor(PluginWrapper.class);
                return (Plugin) constructor.newInstance(wrapper);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Plugin-Class " + className + " cannot be created: "
                    + Failures.describe(e), e);
        }
    }

    /** A plugin refused for a reason already phrased for a human. */
    private static final class RefusedPluginException extends PluginRuntimeException {
        private final String pluginId;

        RefusedPluginException(String pluginId, String message) {
            super(message);
            this.pluginId = pluginId;
        }
    }
}
