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
    private static final String[] NONE = {};

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
        int params = 0;
        for (PathTemplate.Segment segment : segments) {
            params += segment.kind() == PathTemplate.Kind.PARAM ? 1 : 0;
        }
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
        // loops, not streams: a table of 10 000 routes builds 10 000 of these on every reload
        Map<String, String> headers = rule.headers();
        headerNames = new String[headers.size()];
        headerValues = new String[headers.size()];
        int h = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().isBlank()) {
                throw new IllegalArgumentException("empty header name");
            }
            headerNames[h] = header.getKey().toLowerCase(Locale.ROOT);
            headerValues[h++] = header.getValue();
        }
        queryNames = rule.query().isEmpty() ? NONE : rule.query().keySet().toArray(String[]::new);
        queryValues = rule.query().isEmpty() ? NONE : rule.query().values().toArray(String[]::new);
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
        if (methods.isEmpty()) {
            return Set.of();
        }
        String[] upper = new String[methods.size()];
        int i = 0;
        for (String method : methods) {
            if (method == null || method.isBlank()) {
                throw new IllegalArgumentException("empty method name");
            }
            upper[i++] = method.trim().toUpperCase(Locale.ROOT);
        }
        return upper.length == 1 ? Set.of(upper[0]) : Set.copyOf(java.util.Arrays.asList(upper));
    }
}
