package io.gatehouse.core.config;

import java.util.List;

/**
 * The public listener.
 *
 * @param host             the address to bind; default {@code 0.0.0.0}
 * @param port             the port; default 8080 ({@code 0} picks a free one)
 * @param trustedProxies   addresses (IP literals or CIDR blocks) whose {@code X-Forwarded-For} is trusted;
 *                         default none
 * @param identityHeaders  headers that claim who the client is; from a peer that is not a trusted proxy they are
 *                         removed before the first filter runs; default {@link #DEFAULT_IDENTITY_HEADERS}
 * @param limits           request size and connection limits; defaults in {@link LimitsConfig}
 * @param timeouts         client-side timeouts; defaults in {@link TimeoutsConfig}
 * @param shutdown         graceful shutdown on SIGTERM; defaults in {@link ShutdownConfig}
 * @param tls              TLS on the listener; default none (cleartext)
 * @param http2            HTTP/2 on the listener; defaults in {@link Http2Config}
 */
public record ServerConfig(String host, Integer port, List<String> trustedProxies, List<String> identityHeaders,
                           LimitsConfig limits, TimeoutsConfig timeouts, ShutdownConfig shutdown,
                           ServerTlsConfig tls, Http2Config http2) {

    /** Identity headers a client could forge, removed unless the peer is a trusted proxy. */
    public static final List<String> DEFAULT_IDENTITY_HEADERS = List.of("X-Real-IP", "X-Forwarded-Port",
            "X-Forwarded-Prefix", "True-Client-IP", "CF-Connecting-IP", "X-Client-IP", "X-Cluster-Client-IP",
            "Fastly-Client-IP", "X-Original-Forwarded-For");

    public ServerConfig {
        host = host == null ? "0.0.0.0" : host;
        port = port == null ? 8080 : port;
        trustedProxies = trustedProxies == null ? List.of() : trustedProxies;
        identityHeaders = identityHeaders == null ? DEFAULT_IDENTITY_HEADERS : identityHeaders;
        limits = limits == null ? new LimitsConfig(null, null, null, null, null, null) : limits;
        timeouts = timeouts == null ? new TimeoutsConfig(null, null, null, null) : timeouts;
        shutdown = shutdown == null ? new ShutdownConfig(null) : shutdown;
        http2 = http2 == null ? Http2Config.defaults() : http2;
    }
}
