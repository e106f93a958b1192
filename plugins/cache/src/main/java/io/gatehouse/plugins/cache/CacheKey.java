package io.gatehouse.plugins.cache;

import io.gatehouse.api.Headers;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a cached response is found by, before the upstream's {@code Vary}: the resource (route, scheme, host,
 * normalised path, query), the values of the configured {@code vary_headers}, and the consumer when authenticated responses are
 * cached. GET and HEAD share it: a HEAD is answered from the GET's response.
 *
 * @param resource    what a purge of one resource removes, with every variant
 * @param headerValues the request's values of the configured {@code vary_headers}, in their order ({@code null}
 *                    for an absent header), then the port of its {@code Host} header ({@code ""} for none)
 * @param consumer    the consumer's id, or {@code null} for an anonymous request
 */
record CacheKey(Resource resource, List<String> headerValues, String consumer) {

    /**
     * One resource as the client named it.
     *
     * @param route  the route's id
     * @param scheme {@code http} or {@code https}, as the client used (an upstream may answer each differently, in
     *               the links and redirects it builds from {@code X-Forwarded-Proto})
     * @param host   the host the client addressed, lower case
     * @param path  the normalised path
     * @param query the raw query, empty when none
     */
    record Resource(String route, String scheme, String host, String path, String query) {
    }

    /**
     * A key plus the values of the request headers the stored response varies on ({@code Vary}).
     *
     * @param base       the key
     * @param varyValues the request's values of the headers {@code Vary} named, in its order
     */
    record Variant(CacheKey base, List<String> varyValues) {
    }

    /**
     * The values of {@code names} in {@code headers}: all of a header's values joined by {@code ", "}, or
     * {@code null} when absent (which differs from an empty value).
     */
    static List<String> values(List<String> names, Headers headers) {
        if (names.isEmpty()) {
            return List.of();
        }
        String[] values = new String[names.size()];
        for (int i = 0; i < values.length; i++) {
            List<String> all = headers.all(names.get(i));
            values[i] = all.isEmpty() ? null : String.join(", ", all);
        }
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    /** {@link #values(List, Headers)}, then the port of the {@code Host} header ({@code ""} for none). */
    static List<String> values(List<String> names, Headers headers, String hostPort) {
        List<String> values = new java.util.ArrayList<>(values(names, headers));
        values.add(hostPort);
        return Collections.unmodifiableList(values);
    }
}
