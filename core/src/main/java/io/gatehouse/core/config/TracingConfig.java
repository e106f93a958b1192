package io.gatehouse.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Tracing: W3C trace context is always propagated to upstreams; spans are recorded and exported only when an
 * exporter is configured.
 *
 * @param sampleRatio the share of new traces (started by the gateway) that are sampled, 0.0 to 1.0; default 1.0. A
 *                    trace continued from a client's {@code traceparent} follows the client's decision
 * @param serviceName the {@code service.name} of the spans; default {@code gatehouse}
 * @param otlp        where to export spans (OTLP over HTTP/protobuf); default none: no span leaves the process
 */
public record TracingConfig(Double sampleRatio, String serviceName, Otlp otlp) {

    public TracingConfig {
        sampleRatio = sampleRatio == null ? 1.0 : sampleRatio;
        serviceName = serviceName == null ? "gatehouse" : serviceName;
    }

    /** No spans exported, every new trace sampled. */
    public static TracingConfig defaults() {
        return new TracingConfig(null, null, null);
    }

    /**
     * An OTLP/HTTP exporter.
     *
     * @param endpoint the collector's traces URL, e.g. {@code http://127.0.0.1:4318/v1/traces}; required
     * @param headers  headers sent with each export (an {@code Authorization}, say); default none
     * @param timeout  the longest one export may take; default 10s
     */
    public record Otlp(String endpoint, Map<String, String> headers, Duration timeout) {
        public Otlp {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        }
    }

    /** Adds the problems of a {@code tracing:} block. */
    static void validate(TracingConfig tracing, List<Problem> problems) {
        if (tracing == null) {
            return;
        }
        if (tracing.sampleRatio().isNaN() || tracing.sampleRatio() < 0 || tracing.sampleRatio() > 1) {
            problems.add(new Problem("tracing.sample_ratio", "must be between 0.0 and 1.0, got "
                    + tracing.sampleRatio()));
        }
        if (tracing.serviceName().isBlank()) {
            problems.add(new Problem("tracing.service_name", "must not be empty"));
        }
        Otlp otlp = tracing.otlp();
        if (otlp == null) {
            return;
        }
        if (otlp.endpoint() == null || otlp.endpoint().isBlank()) {
            problems.add(new Problem("tracing.otlp.endpoint", "is required, e.g. http://127.0.0.1:4318/v1/traces"));
        } else {
            checkEndpoint(otlp.endpoint(), problems);
        }
        if (otlp.timeout().isZero() || otlp.timeout().isNegative()) {
            problems.add(new Problem("tracing.otlp.timeout", "must be greater than 0"));
        }
        otlp.headers().forEach((name, value) -> {
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                problems.add(new Problem("tracing.otlp.headers." + name, "is not a valid header name"));
            } else if (value == null || value.chars().anyMatch(c -> c < 32 && c != '\t' || c == 127)) {
                problems.add(new Problem("tracing.otlp.headers." + name, "must be a value without control "
                        + "characters"));
            }
        });
    }

    private static void checkEndpoint(String endpoint, List<Problem> problems) {
        try {
            URI uri = new URI(endpoint);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                problems.add(new Problem("tracing.otlp.endpoint", "must be an http:// or https:// URL, got '"
                        + endpoint + "'"));
            }
        } catch (java.net.URISyntaxException e) {
            problems.add(new Problem("tracing.otlp.endpoint", "is not a URL: " + e.getMessage()));
        }
    }
}
