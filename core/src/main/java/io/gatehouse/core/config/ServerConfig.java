package io.gatehouse.core.config;

import java.util.List;

/**
 * The public listener.
 *
 * @param host           the address to bind; default {@code 0.0.0.0}
 * @param port           the port; default 8080 ({@code 0} picks a free one)
 * @param trustedProxies addresses (IP literals or CIDR blocks) whose {@code X-Forwarded-For} is trusted;
 *                       default none
 * @param limits         request size limits; defaults in {@link LimitsConfig}
 */
public record ServerConfig(String host, Integer port, List<String> trustedProxies, LimitsConfig limits) {
    public ServerConfig {
        host = host == null ? "0.0.0.0" : host;
        port = port == null ? 8080 : port;
        trustedProxies = trustedProxies == null ? List.of() : trustedProxies;
        limits = limits == null ? new LimitsConfig(null, null, null) : limits;
    }
}
