package io.gatehouse.core.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules that end at one trie position, grouped by host so that the most specific host is tried first:
 * exact, then wildcards from the longest suffix down, then any host; within a group, config order.
 */
final class Leaf<T> {

    private final Map<String, List<Candidate<T>>> exact;
    /** Keyed by the suffix with its leading dot: {@code *.example.com} is stored as {@code .example.com}. */
    private final Map<String, List<Candidate<T>>> wildcard;
    private final List<Candidate<T>> anyHost;

    private Leaf(Builder<T> builder) {
        exact = freeze(builder.exact);
        wildcard = freeze(builder.wildcard);
        anyHost = List.copyOf(builder.anyHost);
    }

    /** Candidate groups for {@code host} (canonical, see {@link HostPattern#requestHost}) in precedence order. */
    void forEachGroup(String host, GroupVisitor<T> visitor) {
        if (!exact.isEmpty() && visitor.visit(exact.get(host))) {
            return;
        }
        if (!wildcard.isEmpty()) {
            for (int dot = host.indexOf('.', 1); dot > 0; dot = host.indexOf('.', dot + 1)) {
                if (visitor.visit(wildcard.get(host.substring(dot)))) {
                    return;
                }
            }
        }
        visitor.visit(anyHost);
    }

    /** Visits one group (null if there is none); returns true to stop. */
    @FunctionalInterface
    interface GroupVisitor<T> {
        boolean visit(List<Candidate<T>> group);
    }

    private static <T> Map<String, List<Candidate<T>>> freeze(Map<String, List<Candidate<T>>> groups) {
        if (groups == null) {
            return Map.of();
        }
        Map<String, List<Candidate<T>>> frozen = new LinkedHashMap<>();
        groups.forEach((host, group) -> frozen.put(host, List.copyOf(group)));
        return Map.copyOf(frozen);
    }

    /** Its maps are made when first needed: most leaves of a big table hold one rule for any host. */
    static final class Builder<T> {
        private Map<String, List<Candidate<T>>> exact;
        private Map<String, List<Candidate<T>>> wildcard;
        private final List<Candidate<T>> anyHost = new ArrayList<>(1);

        /** Adds a candidate under one canonical host pattern; called in config order. */
        void add(String pattern, Candidate<T> candidate) {
            if (pattern.equals("*")) {
                anyHost.add(candidate);
            } else if (pattern.startsWith("*.")) {
                wildcard = wildcard == null ? new LinkedHashMap<>() : wildcard;
                wildcard.computeIfAbsent(pattern.substring(1), k -> new ArrayList<>(1)).add(candidate);
            } else {
                exact = exact == null ? new LinkedHashMap<>() : exact;
                exact.computeIfAbsent(pattern, k -> new ArrayList<>(1)).add(candidate);
            }
        }

        Leaf<T> build() {
            return new Leaf<>(this);
        }
    }
}
