package io.gatehouse.core.route;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One route as {@link RouteTable#build(List)} takes it. Collections are copied; {@code null} means empty.
 *
 * @param id      the route id, used in error messages
 * @param methods the HTTP methods it takes, compared upper-cased; empty means any. {@code HEAD} is not implied
 *                by {@code GET}
 * @param hosts   the hosts it takes: exact ({@code api.example.com}) or wildcard ({@code *.example.com}, which
 *                matches {@code a.example.com} and {@code a.b.example.com} but not {@code example.com}); empty or
 *                {@code "*"} means any. See {@link HostPattern}
 * @param path    the path template, see {@link PathTemplate}
 * @param headers headers that must be present: name (case-insensitive) to exact value, or {@code "*"} for any value
 * @param query   query parameters that must be present: name (case-sensitive) to exact value, or {@code "*"}
 * @param target  what the caller routes to, e.g. its route config; never {@code null}
 * @param <T>     the target type
 */
public record RouteRule<T>(String id,
                           Set<String> methods,
                           List<String> hosts,
                           String path,
                           Map<String, String> headers,
                           Map<String, String> query,
                           T target) {
    public RouteRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(target, "target");
        methods = methods == null ? Set.of() : Set.copyOf(methods);
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        query = query == null ? Map.of() : Map.copyOf(query);
    }
}
