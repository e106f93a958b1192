package io.gatehouse.core.config;

import java.time.Duration;

/**
 * Client-side timeouts of the public listener. Each closes the connection when it expires (with a 408 when a
 * request was begun and no response has started).
 *
 * @param requestHead    the longest a client may take to send a request's line and headers, from its first byte;
 *                       default {@code 15s}
 * @param bodyIdle       the longest the gateway waits for the next bytes of a request body; default {@code 30s}
 * @param keepAliveIdle  the longest a connection may stay open between requests; default {@code 60s}
 * @param write          the longest a write to the client may block (a client that stops reading); default
 *                       {@code 60s}
 */
public record TimeoutsConfig(Duration requestHead, Duration bodyIdle, Duration keepAliveIdle, Duration write) {
    public TimeoutsConfig {
        requestHead = requestHead == null ? Duration.ofSeconds(15) : requestHead;
        bodyIdle = bodyIdle == null ? Duration.ofSeconds(30) : bodyIdle;
        keepAliveIdle = keepAliveIdle == null ? Duration.ofSeconds(60) : keepAliveIdle;
        write = write == null ? Duration.ofSeconds(60) : write;
    }
}
