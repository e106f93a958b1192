package io.gatehouse.core.config;

/**
 * The built-in demo backend: a small echo service the gateway starts itself, so the shipped config answers
 * with nothing else running.
 *
 * @param enabled whether to start it; default {@code false}
 * @param host    the address to bind; default {@code 127.0.0.1}
 * @param port    the port; default 8081
 */
public record DemoConfig(boolean enabled, String host, Integer port) {
    public DemoConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 8081 : port;
    }
}
