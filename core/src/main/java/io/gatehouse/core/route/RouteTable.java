package io.gatehouse.core.route;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Maps a request to a route through a trie of path segments, so the cost of a match depends on the depth of the
 * path and the rules that share it, not on the number of routes. Immutable and thread-safe once built.
 *
 * <p>Precedence, deterministic:
 * <ol>
 *   <li>At each segment a static segment beats a {@code :param}, which beats a {@code *catchall}. The search
 *       backtracks: if nothing under the static branch takes the request, the param branch is tried, then the
 *       catch-all. So with {@code /a/b/c} and {@code /a/:x/d}, {@code /a/b/d} finds the second with
 *       {@code x = b}.</li>
 *   <li>Among rules with the same template shape: the most specific host first (exact, then wildcards with the
 *       longest suffix first, then any host), then config order.</li>
 *   <li>A rule whose header or query predicates fail is skipped, as if it were not there.</li>
 *   <li>A rule that takes the host, path and predicates but not the method is skipped too and the search goes
 *       on; only if no rule at all takes the request are the skipped rules' methods answered as
 *       {@link Match.MethodNotAllowed}, otherwise {@link Match.NotFound}.</li>
 * </ol>
 * Path and template rules (trailing slash, catch-all) are described on {@link PathTemplate}; host rules on
 * {@link HostPattern}.
 *
 * @param <T> the route target type
 */
public final class RouteTable<T> {
    private static final Set<String> ANY_HOST = Set.of("*");

    private final List<RouteRule<T>> rules;
    private final Node<T> root;
    private final int maxDepth;

    private RouteTable(List<RouteRule<T>> rules, Node<T> root, int maxDepth) {
        this.rules = rules;
        this.root = root;
        this.maxDepth = maxDepth;
    }

    /**
     * Builds a table. Rules that take exactly the same requests are allowed; the earlier one wins.
     *
     * @param rules the rules in config order
     * @param <T>   the route target type
     * @return the table
     * @throws IllegalArgumentException naming the route if a path template, host pattern, method or header name
     *                                  is invalid (see {@link PathTemplate#problem} and {@link HostPattern#problem})
     */
    public static <T> RouteTable<T> build(List<RouteRule<T>> rules) {
        return build(rules, PathTemplate::parse);
    }

    /**
     * Like {@link #build(List)}, with the path templates parsed by {@code templates} ({@link PathTemplates}: those
     * of the last table reused).
     */
    public static <T> RouteTable<T> build(List<RouteRule<T>> rules,
                                          java.util.function.Function<String, PathTemplate> templates) {
        List<RouteRule<T>> copy = List.copyOf(rules);
        Node.Builder<T> root = new Node.Builder<>();
        int maxDepth = 0;
        for (RouteRule<T> rule : copy) {
            try {
                PathTemplate template = templates.apply(rule.path());
                maxDepth = Math.max(maxDepth, template.segments().size());
                Candidate<T> candidate = new Candidate<>(rule, template);
                Set<String> hosts = hostPatterns(rule);
                Leaf.Builder<T> leaf = leafFor(root, template);
                for (String pattern : hosts) {
                    leaf.add(pattern, candidate);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("route '" + rule.id() + "': " + e.getMessage(), e);
            }
        }
        return new RouteTable<>(copy, root.build(), maxDepth);
    }

    /**
     * Finds the route for a request. Allocates only the result and a little per-call state.
     *
     * @param method       the request method, compared case-sensitively with the upper-cased rule methods
     * @param host         the {@code Host} (or {@code :authority}), a port is ignored; {@code null} matches
     *                     only rules for any host
     * @param path         the normalised path (wire form) from {@link PathNormalizer#normalize(String)}
     * @param headerLookup the first value of a request header or {@code null}; it is called with lower-case names
     *                     and must look them up case-insensitively. {@code null} means no headers
     * @param queryLookup  the first value of a query parameter or {@code null}; {@code null} means no query
     * @return the route and its parameters, or why there is none
     */
    public Match<T> match(String method,
                          String host,
                          String path,
                          Function<String, String> headerLookup,
                          Function<String, String> queryLookup) {
        Walk<T> walk = new Walk<>(this, method, HostPattern.requestHost(host), path, headerLookup, queryLookup);
        Match<T> found = walk.from(root, 0, 0);
        if (found != null) {
            return found;
        }
        return walk.allow == null
                ? Match.NotFound.instance()
                : new Match.MethodNotAllowed<>(java.util.Collections.unmodifiableSet(new TreeSet<>(walk.allow)));
    }

    /** @return the rules in config order, unmodifiable */
    public List<RouteRule<T>> rules() {
        return rules;
    }

    private static <T> Leaf.Builder<T> leafFor(Node.Builder<T> root, PathTemplate template) {
        Node.Builder<T> node = root;
        for (PathTemplate.Segment segment : template.segments()) {
            switch (segment.kind()) {
                case STATIC -> node = node.staticChild(segment.value());
                case PARAM -> node = node.paramChild();
                case CATCH_ALL -> {
                    return node.catchAll();
                }
            }
        }
        return node.leaf();
    }

    private static Set<String> hostPatterns(RouteRule<?> rule) {
        if (rule.hosts().isEmpty()) {
            return ANY_HOST; // most rules: no set to build and throw away
        }
        Set<String> patterns = new LinkedHashSet<>();
        for (String host : rule.hosts()) {
            HostPattern.problem(host).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
            patterns.add(HostPattern.canonical(host));
        }
        return patterns.isEmpty() || patterns.contains("*") ? ANY_HOST : patterns;
    }

    /** The state of one match: where each segment of the current trie path lies in the request path. */
    private static final class Walk<T> implements Leaf.GroupVisitor<T> {
        private final String method;
        private final String host;
        private final String path;
        private final Function<String, String> headers;
        private final Function<String, String> query;
        private final int[] segmentStarts;
        private final int[] segmentEnds;
        Set<String> allow;
        private int restStart;
        private Match<T> found;

        Walk(RouteTable<T> table, String method, String host, String path,
             Function<String, String> headers, Function<String, String> query) {
            this.method = method;
            this.host = host;
            this.path = path;
            this.headers = headers;
            this.query = query;
            this.segmentStarts = new int[table.maxDepth];
            this.segmentEnds = new int[table.maxDepth];
        }

        /** Matches below {@code node}; {@code pos} is the index of the '/' before the next segment, or the end. */
        Match<T> from(Node<T> node, int pos, int depth) {
            int n = path.length();
            if (pos >= n - 1) {
                // End of the path, or only a trailing slash left: the template must end here.
                if (node.leaf != null && take(node.leaf, -1)) {
                    return found;
                }
            } else {
                int start = pos + 1;
                int end = path.indexOf('/', start);
                end = end < 0 ? n : end;
                if (end > start) {
                    Node<T> child = node.statics.get(path, start, end);
                    if (child != null && descend(child, start, end, depth) != null) {
                        return found;
                    }
                    if (node.param != null && descend(node.param, start, end, depth) != null) {
                        return found;
                    }
                }
            }
            if (node.catchAll != null && take(node.catchAll, Math.min(pos + 1, n))) {
                return found;
            }
            return null;
        }

        private Match<T> descend(Node<T> child, int start, int end, int depth) {
            segmentStarts[depth] = start;
            segmentEnds[depth] = end;
            return from(child, end, depth + 1);
        }

        private boolean take(Leaf<T> leaf, int restStart) {
            this.restStart = restStart;
            leaf.forEachGroup(host, this);
            return found != null;
        }

        @Override
        public boolean visit(List<Candidate<T>> group) {
            if (group == null) {
                return false;
            }
            for (int i = 0; i < group.size(); i++) {
                Candidate<T> candidate = group.get(i);
                if (!candidate.predicatesHold(headers, query)) {
                    continue;
                }
                if (candidate.allows(method)) {
                    Map<String, String> params = candidate.params(path, segmentStarts, segmentEnds, restStart);
                    found = new Match.Found<>(candidate.rule, params);
                    return true;
                }
                if (allow == null) {
                    allow = new LinkedHashSet<>();
                }
                allow.addAll(candidate.methods());
            }
            return false;
        }
    }
}
