package io.gatehouse.core.route;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** A rule compiled for matching: where its parameters sit and its predicates as flat arrays. */
final class Candidate<T> {

    final RouteRule<T> rule;
    private final Set<String> methods;
    private final int[] paramDepths;
    private final String[] paramNames;
    private final String catchAllName;
    private final String[] headerNames;
    private final String[] headerValues;
    private final String[] queryNames;
    private final String[] queryValues;

    Candidate(RouteRule<T> rule, PathTemplate template) {
        this.rule = rule;
        this.methods = upperCase(rule.methods());
        List<PathTemplate.Segment> segments = template.segments();
        int params = (int) segments.stream().filter(s -> s.kind() == PathTemplate.Kind.PARAM).count();
        paramDepths = new int[params];
        paramNames = new String[params];
        String catchAll = null;
        for (int depth = 0, p = 0; depth < segments.size(); depth++) {
            PathTemplate.Segment segment = segments.get(depth);
            switch (segment.kind()) {
                case PARAM -> {
                    paramDepths[p] = depth;
                    paramNames[p++] = segment.value();
                }
                case CATCH_ALL -> catchAll = segment.value();
                case STATIC -> { }
            }
        }
        catchAllName = catchAll;
        if (rule.headers().keySet().stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("empty header name");
        }
        headerNames = rule.headers().keySet().stream().map(n -> n.toLowerCase(Locale.ROOT)).toArray(String[]::new);
        headerValues = rule.headers().values().toArray(String[]::new);
        queryNames = rule.query().keySet().toArray(String[]::new);
        queryValues = rule.query().values().toArray(String[]::new);
    }

    Set<String> methods() {
        return methods;
    }

    boolean allows(String method) {
        return methods.isEmpty() || methods.contains(method);
    }

    boolean predicatesHold(Function<String, String> headers, Function<String, String> query) {
        return holds(headerNames, headerValues, headers) && holds(queryNames, queryValues, query);
    }

    /** The captured parameters; {@code restStart} is where the catch-all value begins, ignored without one. */
    Map<String, String> params(String path, int[] segmentStarts, int[] segmentEnds, int restStart) {
        if (paramNames.length == 0 && catchAllName == null) {
            return Map.of();
        }
        if (paramNames.length == 0) { // a catch-all alone (/*rest): one entry, no map to build
            return Map.of(catchAllName, path.substring(restStart));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < paramNames.length; i++) {
            int depth = paramDepths[i];
            params.put(paramNames[i], path.substring(segmentStarts[depth], segmentEnds[depth]));
        }
        if (catchAllName != null) {
            params.put(catchAllName, path.substring(restStart));
        }
        return Collections.unmodifiableMap(params);
    }

    private static boolean holds(String[] names, String[] values, Function<String, String> lookup) {
        for (int i = 0; i < names.length; i++) {
            String actual = lookup == null ? null : lookup.apply(names[i]);
            if (actual == null || !(values[i].equals("*") || values[i].equals(actual))) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> upperCase(Set<String> methods) {
        for (String method : methods) {
            if (method == null || method.isBlank()) {
                throw new IllegalArgumentException("empty method name");
            }
        }
        return Set.copyOf(methods.stream().map(m -> m.trim().toUpperCase(Locale.ROOT)).toList());
    }
}
