package io.gatehouse.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's WebSocket settings: {@code websocket: true} for all defaults, or a block. See docs/websocket.md.
 *
 * @param enabled          whether the route accepts WebSocket handshakes; default {@code true} when the block is
 *                         given ({@code websocket: false} turns it off)
 * @param allowedOrigins   the browser origins a handshake may come from: {@code https://app.example.com},
 *                         {@code https://*.example.com} (any subdomain) or {@code *} (any); default none listed,
 *                         which allows only an {@code Origin} naming the request's own host. A handshake without
 *                         {@code Origin} (not a browser) is always allowed
 * @param maxMessageSize   the largest message, all its fragments together, in bytes on the wire → close 1009;
 *                         default {@code 1MiB}
 * @param idleTimeout      how long a tunnel may carry no frame in either direction → close 1001; default {@code 5m}
 * @param maxConnections   the most tunnels open on the route at once → 503; default {@code 1000}
 * @param drainTimeout     how long a tunnel keeps running on its generation after a reload replaced it → close 1001;
 *                         default {@code 10m}
 */
public record WebSocketConfig(Boolean enabled,
                              List<String> allowedOrigins,
                              ByteSize maxMessageSize,
                              Duration idleTimeout,
                              Integer maxConnections,
                              Duration drainTimeout) {

    public WebSocketConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        allowedOrigins = allowedOrigins == null ? List.of() : allowedOrigins;
        maxMessageSize = maxMessageSize == null ? ByteSize.ofMib(1) : maxMessageSize;
        idleTimeout = idleTimeout == null ? Duration.ofMinutes(5) : idleTimeout;
        maxConnections = maxConnections == null ? 1000 : maxConnections;
        drainTimeout = drainTimeout == null ? Duration.ofMinutes(10) : drainTimeout;
    }

    /** @return whether a route with these settings ({@code null}: none) accepts WebSocket handshakes */
    public static boolean allows(WebSocketConfig config) {
        return config != null && config.enabled();
    }

    /** The problems of a route's {@code websocket} block, each with its path. */
    static List<Problem> problems(WebSocketConfig config, String path) {
        List<Problem> problems = new ArrayList<>();
        if (config == null) {
            return problems;
        }
        for (int i = 0; i < config.allowedOrigins().size(); i++) {
            String why = OriginPattern.problem(config.allowedOrigins().get(i));
            if (why != null) {
                problems.add(new Problem(ConfigPath.index(ConfigPath.key(path, "allowed_origins"), i), why));
            }
        }
        if (config.maxMessageSize().bytes() < 1) {
            problems.add(new Problem(ConfigPath.key(path, "max_message_size"), "must be at least 1 byte"));
        }
        if (config.maxConnections() < 1) {
            problems.add(new Problem(ConfigPath.key(path, "max_connections"), "must be at least 1, got "
                    + config.maxConnections()));
        }
        if (!positive(config.idleTimeout())) {
            problems.add(new Problem(ConfigPath.key(path, "idle_timeout"), "must be greater than 0"));
        }
        if (!positive(config.drainTimeout())) {
            problems.add(new Problem(ConfigPath.key(path, "drain_timeout"), "must be greater than 0"));
        }
        return problems;
    }

    private static boolean positive(Duration duration) {
        return !duration.isZero() && !duration.isNegative();
    }
}
