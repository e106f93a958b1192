package io.gatehouse.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads config text as {@link ConfigLoader#read(String, String, Map)} does, reusing what the previous read of the
 * same file made of the text that did not change: each item of {@code routes:} is parsed, substituted and bound alone
 * ({@link RouteChunks}) and kept by its text and the values of the variables it refers to, and the rest of the file
 * likewise. A reload that changes a few routes of ten thousand parses those few.
 *
 * <p>The result is the one a full read gives, and that is why the shortcut is taken only when every piece parses and
 * binds alone and the whole has no problem: any problem, and any text {@link RouteChunks} does not cut, is read
 * whole again, so problems and their paths are always the full read's. The YAML limits hold over the whole: at most
 * one piece may hold anchors (so the alias count is that piece's), the node count is summed over the pieces, and a
 * route is parsed under a {@code routes:} key so that its nesting is what it is in the file. A bound route whose
 * records carry their config path ({@link FilterSpec#path()}) is bound again from its tree when it moved.
 *
 * <p>Not thread-safe: one reader per config file, called by one thread at a time (the gateway's reload lock).
 */
public final class IncrementalReader {
    private static final System.Logger LOG = System.getLogger(IncrementalReader.class.getName());
    private static final String ROUTES = "routes";

    private final RecordBinder binder = new RecordBinder();
    private Map<String, RouteEntry> routes = new HashMap<>();
    private Rest rest;

    /** Like {@link ConfigLoader#read(String, String, Map)}, with the same result. */
    public LoadedConfig read(String text, String source, Map<String, String> env) {
        LoadedConfig quick = null;
        try {
            quick = text.length() > ConfigLoader.MAX_CHARS ? null : readInPieces(text, source, env);
        } catch (RuntimeException e) {
            // a bug of this shortcut must not cost a reload: the full read is the reference
            LOG.log(System.Logger.Level.WARNING, "reading " + source + " in pieces failed; read whole", e);
            routes = new HashMap<>();
            rest = null;
        }
        return quick != null ? quick : ConfigLoader.read(text, source, env);
    }

    /** @return the config read piece by piece, or {@code null} when it must be read whole (package-private: tests) */
    LoadedConfig readInPieces(String text, String source, Map<String, String> env) {
        RouteChunks chunks = RouteChunks.of(text);
        if (chunks == null) {
            return null;
        }
        Rest others = rest != null && rest.reusableFor(chunks, env) ? rest : Rest.read(chunks, source, env, binder);
        if (others == null) {
            return null;
        }
        int anchoredPieces = others.anchoredPieces();
        long size = others.size();
        Map<String, RouteEntry> next = new HashMap<>(chunks.items().size() * 2);
        List<RouteConfig> bound = new ArrayList<>(chunks.items().size());
        for (int i = 0; i < chunks.items().size(); i++) {
            String chunk = chunks.items().get(i);
            RouteEntry entry = routes.get(chunk);
            entry = entry == null || !entry.env().sameIn(env) ? RouteEntry.read(chunk, i, source, env, binder)
                    : entry.at(i, binder);
            if (entry == null || next.putIfAbsent(chunk, entry) != null) {
                return null; // two items of the same text have the same id: the full read reports it
            }
            bound.add(entry.route());
            anchoredPieces += entry.anchored() ? 1 : 0;
            size += entry.size();
        }
        if (anchoredPieces > 1 || size > ConfigLoader.MAX_NODES) {
            return null;
        }
        GatewayConfig without = others.config();
        GatewayConfig config = new GatewayConfig(without.server(), without.admin(), without.demo(),
                without.upstreams(), Collections.unmodifiableList(bound), without.globalFilters(), without.tracing());
        if (!ConfigValidator.validate(config).isEmpty()) {
            return null;
        }
        routes = next;
        rest = others;
        return new LoadedConfig(source, config, List.of());
    }

    /** The variables a piece refers to and their values when it was read. */
    private record EnvUse(List<String> names, List<String> values) {

        private static final EnvUse NONE = new EnvUse(List.of(), List.of());

        static EnvUse of(Object tree, Map<String, String> env) {
            Set<String> names = new LinkedHashSet<>();
            collect(tree, names);
            if (names.isEmpty()) {
                return NONE;
            }
            List<String> values = new ArrayList<>(names.size());
            names.forEach(name -> values.add(env.get(name)));
            return new EnvUse(List.copyOf(names), Collections.unmodifiableList(values));
        }

        /** Reads the parsed strings, not the text: {@code "\x24{A}"} is a reference too once parsed. */
        private static void collect(Object node, Set<String> names) {
            if (node instanceof Map<?, ?> map) {
                map.forEach((key, value) -> {
                    collect(key, names);
                    collect(value, names);
                });
            } else if (node instanceof List<?> list) {
                list.forEach(item -> collect(item, names));
            } else if (node instanceof String s && s.indexOf('$') >= 0) {
                names.addAll(EnvSubstitution.references(s));
            }
        }

        boolean sameIn(Map<String, String> env) {
            for (int i = 0; i < names.size(); i++) {
                if (!Objects.equals(values.get(i), env.get(names.get(i)))) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * One item of {@code routes:} read alone.
     *
     * @param index       its place in the list when bound (its records' paths name it)
     * @param substituted its tree after substitution, to bind it again at another place; {@code null} when its
     *                    record names no path (no filters), so serves anywhere
     * @param size        its node count, as the whole file's count includes it
     */
    private record RouteEntry(int index, Object substituted, RouteConfig route, EnvUse env, boolean anchored,
                              long size) {

        /** @return the item parsed, substituted and bound, or {@code null} when it does not read alone cleanly */
        static RouteEntry read(String chunk, int index, String source, Map<String, String> env,
                               RecordBinder binder) {
            ConfigLoader.Parsed parsed;
            try {
                parsed = ConfigLoader.parseYaml(ROUTES + ":\n" + chunk, source);
            } catch (ConfigException e) {
                return null;
            }
            if (!(parsed.tree() instanceof Map<?, ?> root) || root.size() != 1
                    || !(root.get(ROUTES) instanceof List<?> list) || list.size() != 1
                    || !(list.getFirst() instanceof Map<?, ?> item)) {
                return null;
            }
            List<Problem> problems = new ArrayList<>();
            String path = ConfigPath.index(ROUTES, index);
            Object substituted = EnvSubstitution.apply(item, env, path, problems);
            RouteConfig route = bind(substituted, path, problems, binder);
            // the root map and the list around the item are the file's own nodes, counted once there
            // the tree is kept only to bind a moved route again: most routes name no path, and 10 000 trees weigh
            return route == null ? null : new RouteEntry(index, route.filters().isEmpty() ? null : substituted, route,
                    EnvUse.of(item, env), parsed.anchored(), parsed.size() - 2);
        }

        /** @return this entry at {@code index}: the same route when it names no path, else bound again there */
        RouteEntry at(int index, RecordBinder binder) {
            if (index == this.index || route.filters().isEmpty()) {
                return this;
            }
            RouteConfig moved = bind(substituted, ConfigPath.index(ROUTES, index), new ArrayList<>(), binder);
            return moved == null ? null : new RouteEntry(index, substituted, moved, env, anchored, size);
        }

        private static RouteConfig bind(Object substituted, String path, List<Problem> problems,
                                        RecordBinder binder) {
            Object bound = binder.bindPartial(substituted, RouteConfig.class, path, problems);
            return problems.isEmpty() && bound instanceof RouteConfig route ? route : null;
        }
    }

    /**
     * The top-level blocks other than {@code routes:}, read as two pieces (before and after it) and bound without
     * routes.
     *
     * @param anchoredPieces how many of the two held anchors
     * @param size           their node count, with the file's root map
     */
    private record Rest(String before, String after, GatewayConfig config, EnvUse env, int anchoredPieces,
                        long size) {

        boolean reusableFor(RouteChunks chunks, Map<String, String> env) {
            return before.equals(chunks.before()) && after.equals(chunks.after()) && this.env.sameIn(env);
        }

        static Rest read(RouteChunks chunks, String source, Map<String, String> env, RecordBinder binder) {
            ConfigLoader.Parsed before;
            ConfigLoader.Parsed after;
            try {
                before = ConfigLoader.parseYaml(chunks.before(), source);
                after = ConfigLoader.parseYaml(chunks.after(), source);
            } catch (ConfigException e) {
                return null;
            }
            Map<Object, Object> root = new LinkedHashMap<>();
            if (!addAll(before.tree(), root) || !addAll(after.tree(), root) || root.containsKey(ROUTES)) {
                return null;
            }
            List<Problem> problems = new ArrayList<>();
            Object substituted = EnvSubstitution.apply(root, env, "", problems);
            Object bound = binder.bindPartial(substituted, GatewayConfig.class, "", problems);
            if (!problems.isEmpty() || !(bound instanceof GatewayConfig config)) {
                return null;
            }
            // the root map once, each piece's values without its own root
            long size = 1 + valuesSize(before) + valuesSize(after);
            int anchored = (before.anchored() ? 1 : 0) + (after.anchored() ? 1 : 0);
            return new Rest(chunks.before(), chunks.after(), config, EnvUse.of(root, env), anchored, size);
        }

        /** @return whether {@code tree} was empty or a map whose keys {@code root} does not hold yet (added) */
        private static boolean addAll(Object tree, Map<Object, Object> root) {
            if (tree == null) {
                return true;
            }
            if (!(tree instanceof Map<?, ?> map)) {
                return false;
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (root.containsKey(entry.getKey())) {
                    return false; // a key of both pieces: the full read reports the duplicate
                }
                root.put(entry.getKey(), entry.getValue());
            }
            return true;
        }

        private static long valuesSize(ConfigLoader.Parsed parsed) {
            return parsed.tree() == null ? 0 : parsed.size() - 1;
        }
    }
}
