package io.gatehouse.core.config;

import java.time.Duration;

/**
 * What the gateway does on SIGTERM (see docs/shutdown.md): {@code /ready} fails at once, the public listener stops
 * accepting, requests in flight finish, and event streams still open are ended when the drain time is up.
 *
 * @param drainTimeout the longest the gateway drains before it exits; default {@code 25s}, inside Kubernetes'
 *                     default grace period of 30 s, after which the kubelet kills the process
 */
public record ShutdownConfig(Duration drainTimeout) {
    public ShutdownConfig {
        drainTimeout = drainTimeout == null ? Duration.ofSeconds(25) : drainTimeout;
    }
}
