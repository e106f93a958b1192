package io.gatehouse.core.plugin;

import io.gatehouse.api.ComponentFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every component factory the gateway can use, by id: the builtins and those of the started plugins, plus what
 * went wrong with the plugins that were refused. Immutable; built once per {@link PluginHost}.
 */
public final class ComponentRegistry {

    private static final System.Logger LOG = System.getLogger(ComponentRegistry.class.getName());

    private final Map<String, Registration> byId;
    private final List<PluginProblem> problems;
    private final List<PluginInfo> plugins;

    private ComponentRegistry(Map<String, Registration> byId, List<PluginProblem> problems,
                              List<PluginInfo> plugins) {
        this.byId = Collections.unmodifiableMap(byId);
        this.problems = List.copyOf(problems);
        this.plugins = List.copyOf(plugins);
    }

    /**
     * A registry of builtins only, without plugins (for tests and for running with no {@code plugins/}).
     *
     * @param builtins the core's own factories
     * @return the registry
     * @throws PluginException if two builtins share an id or one has a malformed id
     */
    public static ComponentRegistry of(List<? extends ComponentFactory<?, ?>> builtins) {
        List<Candidate> candidates = new ArrayList<>();
        for (ComponentFactory<?, ?> builtin : builtins) {
            candidates.add(Candidate.builtin(builtin));
        }
        return assemble(candidates, List.of(), List.of());
    }

    /**
     * The factory with this id.
     *
     * @param id the full id, e.g. {@code filter.jwt}
     * @return the factory, or empty when no builtin or started plugin provides it
     */
    public Optional<ComponentFactory<?, ?>> find(String id) {
        Registration registration = byId.get(id);
        return registration == null ? Optional.empty() : Optional.of(registration.factory());
    }

    /**
     * Where the factory with this id comes from, for messages and the admin API.
     *
     * @param id the full id
     * @return {@code builtin} or {@code plugin 'jwt' (jwt-1.2.0.jar)}, or empty when the id is unknown
     */
    public Optional<String> origin(String id) {
        Registration registration = byId.get(id);
        return registration == null ? Optional.empty() : Optional.of(registration.candidate().origin());
    }

    /**
     * The full ids in one namespace, e.g. every {@code filter.*} id.
     *
     * @param namespace {@code filter}, {@code lb}, {@code discovery} or {@code transport} (a trailing dot is
     *                  allowed)
     * @return the ids, sorted, e.g. {@code [filter.cors, filter.headers]}
     */
    public SortedSet<String> ids(String namespace) {
        String prefix = namespace.endsWith(".") ? namespace : namespace + ".";
        SortedSet<String> ids = new TreeSet<>();
        for (String id : byId.keySet()) {
            if (id.startsWith(prefix)) {
                ids.add(id);
            }
        }
        return Collections.unmodifiableSortedSet(ids);
    }

    /**
     * The names in one namespace, without it, as config spells them: for
     * {@code "unknown filter 'x' (installed: cors, headers)"}.
     *
     * @param namespace {@code filter}, {@code lb}, {@code discovery} or {@code transport}
     * @return the names, sorted, e.g. {@code [cors, headers]}
     */
    public SortedSet<String> names(String namespace) {
        SortedSet<String> names = new TreeSet<>();
        for (String id : ids(namespace)) {
            names.add(id.substring(id.indexOf('.') + 1));
        }
        return Collections.unmodifiableSortedSet(names);
    }

    /** @return every full id, sorted */
    public SortedSet<String> ids() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byId.keySet()));
    }

    /** @return every refused plugin or component, with why; empty when all is well */
    public List<PluginProblem> problems() {
        return problems;
    }

    /** @return the messages of {@link #problems()}, for logs and {@code gatehouse check} */
    public List<String> problemMessages() {
        return problems.stream().map(PluginProblem::message).toList();
    }

    /** @return every plugin found and not refused outright (started, failed or disabled), sorted by id */
    public List<PluginInfo> plugins() {
        return plugins;
    }

    /**
     * Builds the registry: refuses malformed plugin components with a problem, fails on builtin mistakes and on
     * every id claimed twice.
     */
    static ComponentRegistry assemble(List<Candidate> candidates, List<PluginProblem> loadProblems,
                                      List<PluginInfo> plugins) {
        List<PluginProblem> problems = new ArrayList<>(loadProblems);
        Map<String, List<Candidate>> claims = new TreeMap<>();
        for (Candidate candidate : candidates) {
            String id;
            try {
                id = candidate.factory().id();
            } catch (RuntimeException | LinkageError e) {
                refuse(candidate, candidate.factory().getClass().getName() + ".id() failed: "
                        + Failures.describe(e), problems);
                continue;
            }
            Optional<String> wrong = ComponentKind.checkId(candidate.factory(), id);
            if (wrong.isPresent()) {
                refuse(candidate, wrong.get(), problems);
                continue;
            }
            claims.computeIfAbsent(id, k -> new ArrayList<>()).add(candidate);
        }

        List<String> conflicts = new ArrayList<>();
        Map<String, Registration> byId = new LinkedHashMap<>();
        for (Map.Entry<String, List<Candidate>> claim : claims.entrySet()) {
            List<Candidate> claimants = claim.getValue();
            // A plugin may replace a builtin (that is how a third party swaps a component); two plugins, or two
            // builtins, claiming one id is a conflict.
            List<Candidate> fromPlugins = claimants.stream().filter(c -> c.pluginId() != null).toList();
            if (!fromPlugins.isEmpty() && fromPlugins.size() < claimants.size()) {
                if (fromPlugins.size() == 1) {
                    LOG.log(System.Logger.Level.INFO, "component {0}: {1} replaces the builtin", claim.getKey(),
                            fromPlugins.getFirst().origin());
                }
                claimants = fromPlugins;
            }
            if (claimants.size() > 1) {
                conflicts.add("component id '" + claim.getKey() + "' is provided by both "
                        + String.join(" and ", claimants.stream().map(Candidate::origin).toList())
                        + "; remove one of them from plugins/");
            } else {
                byId.put(claim.getKey(), new Registration(claimants.getFirst().factory(), claimants.getFirst()));
            }
        }
        if (!conflicts.isEmpty()) {
            throw new PluginException(String.join("\n", conflicts));
        }

        List<PluginInfo> infos = new ArrayList<>();
        for (PluginInfo info : plugins) {
            SortedSet<String> provided = new TreeSet<>();
            byId.forEach((id, registration) -> {
                if (info.id().equals(registration.candidate().pluginId())) {
                    provided.add(id);
                }
            });
            infos.add(info.withProvides(provided));
        }
        return new ComponentRegistry(byId, problems, infos);
    }

    private static void refuse(Candidate candidate, String why, List<PluginProblem> problems) {
        if (candidate.pluginId() == null) {
            throw new PluginException("builtin " + why);
        }
        problems.add(new PluginProblem(candidate.pluginId(), candidate.source(),
                "plugin '" + candidate.pluginId() + "' (" + candidate.source() + "): " + why));
    }

    /**
     * A registry for one generation, and what to close when that generation no longer needs it: the plugins of a
     * registry that a hot plug replaced are unloaded once every lease on them is closed.
     *
     * @param registry the registry
     * @param release  lets go of the registry's plugins
     */
    public record Lease(ComponentRegistry registry, AutoCloseable release) implements AutoCloseable {

        /** A lease on a registry whose plugins are never unloaded while the gateway runs (tests, checks). */
        public static Lease of(ComponentRegistry registry) {
            return new Lease(registry, () -> { });
        }

        @Override
        public void close() {
            try {
                release.close();
            } catch (Exception e) {
                throw new IllegalStateException("releasing the plugins of a generation failed", e);
            }
        }

        @Override
        public String toString() {
            return "plugins of a generation";
        }
    }

    /**
     * A factory offered to the registry.
     *
     * @param pluginId the plugin it comes from, or {@code null} for a builtin
     * @param source   the plugin's file name, or the builtin's class name
     */
    record Candidate(ComponentFactory<?, ?> factory, String pluginId, String source) {
        static Candidate builtin(ComponentFactory<?, ?> factory) {
            return new Candidate(factory, null, factory.getClass().getName());
        }

        String origin() {
            return pluginId == null ? "builtin (" + source + ")" : "plugin '" + pluginId + "' (" + source + ")";
        }
    }

    private record Registration(ComponentFactory<?, ?> factory, Candidate candidate) {
    }
}
