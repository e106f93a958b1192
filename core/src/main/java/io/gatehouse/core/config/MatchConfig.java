package io.gatehouse.core.config;

import io.gatehouse.api.Required;

import java.util.List;
import java.util.Map;

/**
 * What requests a route takes.
 *
 * @param path    the path template: static segments, {@code :param} segments and a final {@code *catchall};
 *                required
 * @param methods the HTTP methods, upper-cased ({@code get} is {@code GET}); default any
 * @param host    one host, exact ({@code api.example.com}) or wildcard ({@code *.example.com}); default any
 * @param hosts   several hosts, as {@code host}; combined with it
 * @param headers headers that must be present with these exact values ({@code "*"}: present with any value);
 *                default none
 * @param query   query parameters that must be present with these exact values ({@code "*"}: any value);
 *                default none
 */
public record MatchConfig(@Required String path,
                          List<String> methods,
                          String host,
                          List<String> hosts,
                          Map<String, String> headers,
                          Map<String, String> query) {
    public MatchConfig {
        methods = methods == null ? List.of()
                : methods.stream().map(m -> m == null ? null : m.toUpperCase(java.util.Locale.ROOT)).toList();
        hosts = hosts == null ? List.of() : hosts;
        headers = headers == null ? Map.of() : headers;
        query = query == null ? Map.of() : query;
    }

    /** @return {@code host} and {@code hosts} together; empty means any host */
    public List<String> allHosts() {
        if (host == null) {
            return hosts;
        }
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(host), hosts.stream()).toList();
    }
}
