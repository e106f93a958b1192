package io.gatehouse.core.config;

import java.time.Duration;

/**
 * One upstream: where its endpoints come from and how one is chosen.
 *
 * @param discovery      the discovery component ({@code type} names it), e.g. {@code {type: static, endpoints: [...]}};
 *                       required (checked by {@link ConfigValidator})
 * @param balancer       the load balancer ({@code type} names it); default {@code {type: round_robin}}
 * @param connectTimeout how long to wait for a TCP connection; default {@code 2s}
 */
public record UpstreamConfig(ComponentSpec discovery, ComponentSpec balancer, Duration connectTimeout) {
    public UpstreamConfig {
        balancer = balancer == null ? ComponentSpec.ofType("round_robin") : balancer;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
    }
}
