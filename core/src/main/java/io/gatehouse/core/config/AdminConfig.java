package io.gatehouse.core.config;

/**
 * The admin listener.
 *
 * @param host  the address to bind; default {@code 127.0.0.1}. A non-loopback address requires {@code token}
 * @param port  the port; default 9080 ({@code 0} picks a free one, {@code -1} disables the admin listener)
 * @param token a bearer token the admin API requires; default none (allowed on loopback only)
 */
public record AdminConfig(String host, Integer port, String token) {
    public AdminConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 9080 : port;
    }
}
