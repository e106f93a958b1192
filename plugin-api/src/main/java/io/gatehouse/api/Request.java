package io.gatehouse.api;

import java.util.Objects;

/**
 * The request as it goes upstream. Filters may change the path, query, headers and body; the method, scheme and
 * host are what the client sent. Not thread-safe: a request belongs to one exchange.
 */
public final class Request {

    private final String method;
    private final String scheme;
    private final String host;
    private final Headers headers;
    private String path;
    private String rawQuery;
    private Body body;

    /**
     * Creates a request.
     *
     * @param method   the HTTP method, upper case
     * @param scheme   {@code http} or {@code https}, as the client used
     * @param host     the host the client addressed (Host header or authority), without the port
     * @param path     the normalised path, starting with {@code /}; see {@link #path()}
     * @param rawQuery the query string exactly as sent, without {@code ?}; empty when absent
     * @param headers  the request headers
     * @param body     the request body
     */
    public Request(String method, String scheme, String host, String path, String rawQuery, Headers headers,
                   Body body) {
        this.method = Objects.requireNonNull(method, "method");
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.host = Objects.requireNonNull(host, "host");
        this.headers = Objects.requireNonNull(headers, "headers");
        path(path);
        rawQuery(rawQuery);
        body(body);
    }

    /** @return the HTTP method, upper case */
    public String method() {
        return method;
    }

    /** @return {@code http} or {@code https} */
    public String scheme() {
        return scheme;
    }

    /** @return the host the client addressed, without the port; may be empty */
    public String host() {
        return host;
    }

    /**
     * The path, normalised once before routing. It is in wire form: escapes of unreserved characters
     * ({@code A-Z a-z 0-9 - . _ ~}) are decoded, every other escape is kept as sent with upper-case hex
     * ({@code %3B}, {@code %2B}, {@code %20}, {@code %C3%BC}), so routing, filters and the upstream see the same
     * path and the upstream receives exactly it.
     *
     * @return the path, starting with {@code /}
     */
    public String path() {
        return path;
    }

    /**
     * Sets the path sent upstream.
     *
     * @param path a path starting with {@code /}, in the form {@link #path()} describes; characters that may not
     *             appear in a path (a space, non-ASCII text) are percent-encoded on the way out, a {@code %}
     *             followed by two hex digits is sent as the escape it is, any other {@code %} as {@code %25}
     * @throws IllegalArgumentException if it does not start with {@code /}
     */
    public void path(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        this.path = path;
    }

    /** @return the raw query string, without {@code ?}; empty when there is none */
    public String rawQuery() {
        return rawQuery;
    }

    /**
     * Sets the raw query string sent upstream.
     *
     * @param rawQuery an already encoded query, without {@code ?}; {@code null} or empty for none
     */
    public void rawQuery(String rawQuery) {
        this.rawQuery = rawQuery == null ? "" : rawQuery;
    }

    /** @return the request headers, mutable */
    public Headers headers() {
        return headers;
    }

    /** @return the request body */
    public Body body() {
        return body;
    }

    /**
     * Replaces the body. The caller owns the previous body (it is not closed here, since a new body is
     * often made from the old one).
     *
     * @param body the new body; {@code null} means empty
     */
    public void body(Body body) {
        this.body = body == null ? Body.empty() : body;
    }

    @Override
    public String toString() {
        return method + " " + path + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }
}
