package io.gatehouse.core.plugin;

import io.gatehouse.api.AdminEndpoint;
import io.gatehouse.api.ComponentFactory;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What one file of {@code plugins/} became: a PF4J plugin with its factories and admin endpoints, or nothing (a
 * refused file: its problem is in the manager's list). Counts who holds it ({@link PluginHost}'s bookkeeping, under
 * its lock): the host while it is in the registry, each generation built with it, and the admin server when its
 * endpoints were mounted.
 */
final class LoadedPlugin {

    final PluginFiles.Entry entry;
    /** The name problems and the admin API give it: the file's name (a ZIP's without {@code .zip}). */
    final String source;
    /** What PF4J loaded: the private copy, or the plugin folder itself. */
    final Path loadedFrom;
    PluginWrapper wrapper;
    ClassLoader loader;
    final List<ComponentRegistry.Candidate> candidates = new ArrayList<>();
    final List<AdminEndpoint> endpoints = new ArrayList<>();
    int holders;
    /** Whether its admin endpoints were mounted at start (they stay mounted until the gateway stops). */
    boolean mounted;

    private LoadedPlugin(PluginFiles.Entry entry, Path loadedFrom, PluginWrapper wrapper) {
        this.entry = entry;
        this.loadedFrom = loadedFrom;
        this.source = GatehousePluginManager.sourceOf(loadedFrom);
        this.wrapper = wrapper;
    }

    /**
     * @param wrapper what PF4J made of {@code loadedFrom}, or {@code null} when it refused the file
     * @return the plugin with its extensions created; a plugin that failed to start or has a broken extension is
     *         reported to {@code manager}
     */
    static LoadedPlugin of(PluginFiles.Entry entry, Path loadedFrom, PluginWrapper wrapper,
                           GatehousePluginManager manager) {
        LoadedPlugin plugin = new LoadedPlugin(entry, loadedFrom, wrapper);
        if (wrapper == null) {
            return plugin;
        }
        plugin.loader = wrapper.getPluginClassLoader();
        plugin.holders = 1;   // the host's, until a refresh takes it out
        if (wrapper.getPluginState() == PluginState.FAILED) {
            manager.report(wrapper, Failures.missingClass(wrapper.getFailedException())
                    .filter(name -> !name.equals(wrapper.getDescriptor().getPluginClass()))
                    .map(name -> MissingClasses.message(wrapper.getPluginId(), name))
                    .orElseGet(() -> GatehousePluginManager.label(wrapper.getDescriptor()) + " failed to start: "
                            + Failures.describe(wrapper.getFailedException())));
        } else if (wrapper.getPluginState() == PluginState.STARTED) {
            plugin.createExtensions(manager);
        }
        return plugin;
    }

    boolean loaded() {
        return wrapper != null;
    }

    String id() {
        return wrapper.getPluginId();
    }

    boolean started() {
        return wrapper != null && wrapper.getPluginState() == PluginState.STARTED;
    }

    /** @return it as the admin API shows it, in {@code state} (PF4J's own when {@code null}) */
    PluginInfo info(String state) {
        return new PluginInfo(id(), wrapper.getDescriptor().getVersion(),
                state != null ? state : wrapper.getPluginState().name().toLowerCase(Locale.ROOT), source,
                new TreeSet<>(candidates.stream().map(candidate -> candidate.factory().id()).toList()), entry.hash());
    }

    /** Forgets everything of the plugin, once it is stopped and its loader closed. */
    void forget() {
        wrapper = null;
        loader = null;
        candidates.clear();
        endpoints.clear();
    }

    /** Creates the plugin's factories and admin endpoints; an extension that cannot be created is reported. */
    private void createExtensions(GatehousePluginManager manager) {
        String label = GatehousePluginManager.label(wrapper.getDescriptor());
        for (String className : manager.getExtensionClassNames(wrapper.getPluginId())) {
            Class<?> type;
            try {
                type = wrapper.getPluginClassLoader().loadClass(className);
            } catch (ClassNotFoundException | LinkageError e) {
                manager.report(wrapper, Failures.missingClass(e).filter(name -> !name.equals(className))
                        .map(name -> MissingClasses.message(wrapper.getPluginId(), name))
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
                candidates.add(new ComponentRegistry.Candidate(factory, wrapper.getPluginId(), source));
            } catch (RuntimeException | LinkageError e) {
                manager.report(wrapper, label + ": extension " + className + " failed to create: "
                        + Failures.describe(e));
            }
        }
    }
}
