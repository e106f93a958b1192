package io.gatehouse.api;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One address an upstream can be reached at.
 *
 * @param url      the base URL: {@code http} or {@code https}, a host and a port; no path, query or fragment
 * @param weight   the relative share of traffic; 0 means never chosen. Default 1
 * @param metadata free-form labels from discovery (zone, version, ...); never {@code null}
 */
public record Endpoint(URI url, int weight, Map<String, String> metadata) {

    /**
     * Checks and normalises the components.
     *
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL with a host, or the weight is
     *                                  negative
     */
    public Endpoint {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("endpoint url must be http or https: " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("endpoint url has no host: " + url);
        }
        if (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("endpoint url must not have a path, query or fragment: " + url);
        }
        if (weight < 0) {
            throw new IllegalArgumentException("endpoint weight must be >= 0, got " + weight);
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * An endpoint of weight 1 without metadata.
     *
     * @param url the base URL, e.g. {@code http://127.0.0.1:8081}
     * @return the endpoint
     */
    public static Endpoint of(String url) {
        return new Endpoint(URI.create(url), 1, Map.of());
    }

    /** @return the host name or address */
    public String host() {
        return url.getHost();
    }

    /** @return the port, defaulted from the scheme when the URL has none */
    public int port() {
        return url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }

    /** @return a stable identity for logs and the admin API: {@code scheme://host:port} */
    public String id() {
        String raw = url.getRawPath();
        if (url.getPort() != -1 && (raw == null || raw.isEmpty()) && url.getRawUserInfo() == null) {
            return url.toString(); // already scheme://host:port, and URI keeps its string: no allocation
        }
        return url.getScheme() + "://" + host() + ":" + port();
    }
}
