package io.gatehouse.core.cli;

import io.gatehouse.core.config.FilterSpec;
import io.gatehouse.core.config.GatewayConfig;
import io.gatehouse.core.config.MatchConfig;
import io.gatehouse.core.config.RouteConfig;
import io.gatehouse.core.route.RouteTable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The routes of a valid config in the order {@link RouteTable} tries them, one entry per route and host pattern
 * (the table files a route under each of its hosts). The order is the table's depth-first walk:
 * <ol>
 *   <li>path, segment by segment: a static segment before a {@code :param} before a {@code *catchall}; a template
 *       that ends before one with a catch-all there ({@code /files} before {@code /files/*rest});</li>
 *   <li>for the same path shape, the host: exact names, then wildcards with the longest suffix first, then any
 *       host;</li>
 *   <li>then config order.</li>
 * </ol>
 * Methods and header/query predicates do not order routes: a route whose method or predicates do not hold is
 * skipped and the walk goes on to the next entry.
 */
final class RoutePrecedence {

    /**
     * One entry of the table.
     *
     * @param precedence 1 for the entry tried first
     * @param id         the route id
     * @param host       the host pattern, canonical (lower case, no trailing dot); {@code *} for any host
     * @param methods    the methods, upper case; empty for any
     * @param path       the path template as written
     * @param headers    header predicates, name to value ({@code *}: any value)
     * @param query      query predicates, name to value ({@code *}: any value)
     * @param upstream   the upstream name
     * @param filters    the chain's filter names in order: global filters, the route's, then {@code strip_prefix}
     *                   and {@code rewrite} when the route sets them
     */
    record Entry(int precedence, String id, String host, List<String> methods, String path,
                 Map<String, String> headers, Map<String, String> query, String upstream, List<String> filters) {
    }

    private RoutePrecedence() {
    }

    /** @param config a valid config (every route bound, every template and host pattern valid) */
    static List<Entry> of(GatewayConfig config) {
        List<String> globals = config.globalFilters().stream().map(FilterSpec::name).toList();
        List<Unsorted> unsorted = new ArrayList<>();
        for (int index = 0; index < config.routes().size(); index++) {
            RouteConfig route = config.routes().get(index);
            for (String host : hosts(route.match())) {
                unsorted.add(new Unsorted(route, host, index, globals));
            }
        }
        unsorted.sort(Comparator.comparing((Unsorted u) -> u, RoutePrecedence::comparePaths)
                .thenComparing(u -> u.host, RoutePrecedence::compareHosts)
                .thenComparingInt(u -> u.index));
        List<Entry> entries = new ArrayList<>();
        for (Unsorted u : unsorted) {
            entries.add(u.entry(entries.size() + 1));
        }
        return entries;
    }

    /** As {@link RouteTable} files them: canonical; only {@code *} when a pattern is {@code *} or none is given. */
    private static Set<String> hosts(MatchConfig match) {
        Set<String> hosts = new LinkedHashSet<>();
        for (String host : match.allHosts()) {
            String canonical = host.toLowerCase(Locale.ROOT);
            hosts.add(canonical.endsWith(".") ? canonical.substring(0, canonical.length() - 1) : canonical);
        }
        return hosts.isEmpty() || hosts.contains("*") ? Set.of("*") : hosts;
    }

    private static int comparePaths(Unsorted a, Unsorted b) {
        List<String> left = a.segments;
        List<String> right = b.segments;
        for (int i = 0; ; i++) {
            String l = i < left.size() ? left.get(i) : null;
            String r = i < right.size() ? right.get(i) : null;
            if (l == null || r == null) {
                return l == null && r == null ? 0 : Integer.compare(rank(l), rank(r));
            }
            int byKind = Integer.compare(rank(l), rank(r));
            if (byKind != 0) {
                return byKind;
            }
            if (rank(l) == STATIC) {
                int byText = l.compareTo(r);
                if (byText != 0) {
                    return byText;
                }
            }
        }
    }

    private static final int END = 0;
    private static final int STATIC = 1;
    private static final int PARAM = 2;
    private static final int CATCH_ALL = 3;

    private static int rank(String segment) {
        if (segment == null) {
            return END;
        }
        return segment.startsWith(":") ? PARAM : segment.startsWith("*") ? CATCH_ALL : STATIC;
    }

    /** Exact names (by name), then wildcards (longest suffix first), then {@code *}. */
    private static int compareHosts(String a, String b) {
        int byKind = Integer.compare(hostRank(a), hostRank(b));
        if (byKind != 0) {
            return byKind;
        }
        if (hostRank(a) == 1) {
            int bySuffix = Integer.compare(b.length(), a.length());
            if (bySuffix != 0) {
                return bySuffix;
            }
        }
        return a.compareTo(b);
    }

    private static int hostRank(String host) {
        return host.equals("*") ? 2 : host.startsWith("*.") ? 1 : 0;
    }

    private static final class Unsorted {
        final RouteConfig route;
        final String host;
        final int index;
        final List<String> filters;
        final List<String> segments;

        Unsorted(RouteConfig route, String host, int index, List<String> globals) {
            this.route = route;
            this.host = host;
            this.index = index;
            List<String> chain = new ArrayList<>(globals);
            route.filters().forEach(spec -> chain.add(spec.name()));
            if (route.stripPrefix() > 0) {
                chain.add("strip_prefix");
            }
            if (route.rewrite() != null) {
                chain.add("rewrite");
            }
            this.filters = List.copyOf(chain);
            List<String> parts = new ArrayList<>();
            for (String part : route.match().path().split("/")) {
                if (!part.isEmpty()) {   // a trailing slash is insignificant
                    parts.add(part);
                }
            }
            this.segments = List.copyOf(parts);
        }

        Entry entry(int precedence) {
            MatchConfig match = route.match();
            return new Entry(precedence, route.id(), host, List.copyOf(new LinkedHashSet<>(match.methods())),
                    match.path(), new TreeMap<>(match.headers()), new TreeMap<>(match.query()), route.upstream(),
                    filters);
        }
    }
}
