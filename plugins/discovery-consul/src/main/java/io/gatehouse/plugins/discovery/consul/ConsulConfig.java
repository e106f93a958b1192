package io.gatehouse.plugins.discovery.consul;

import java.time.Duration;

/**
 * Config of {@code discovery.consul}.
 *
 * <pre>{@code
 * discovery: { type: consul, address: "http://127.0.0.1:8500", service: users, tag: v2, token: "${CONSUL_TOKEN}" }
 * }</pre>
 *
 * @param address        the Consul agent's HTTP API, {@code http(s)://host:port}; default {@code http://127.0.0.1:8500}
 * @param service        the Consul service to follow; default: the upstream's name
 * @param token          an ACL token, sent as {@code X-Consul-Token}; default (and when empty, as an unset
 *                       {@code ${CONSUL_HTTP_TOKEN:}} gives): none
 * @param datacenter     the datacenter to ask ({@code dc}); default: the agent's own
 * @param tag            only instances carrying this tag; default: all
 * @param scheme         the scheme of the endpoint URLs, {@code http} or {@code https}; default {@code http}
 * @param waitTime       how long one blocking query may wait for a change (at most 10m); default {@code 30s}
 * @param connectTimeout how long to wait for a TCP connection to Consul; default {@code 5s}
 * @param backoffInitial the first retry delay after a failure; default {@code 100ms}
 * @param backoffMax     the largest retry delay (it doubles up to this); default {@code 30s}
 */
public record ConsulConfig(String address, String service, String token, String datacenter, String tag,
                           String scheme, Duration waitTime, Duration connectTimeout, Duration backoffInitial,
                           Duration backoffMax) {

    /** Applies the defaults. */
    public ConsulConfig {
        token = token == null || token.isBlank() ? null : token;
        address = address == null ? "http://127.0.0.1:8500" : address;
        scheme = scheme == null ? "http" : scheme;
        waitTime = waitTime == null ? Duration.ofSeconds(30) : waitTime;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        backoffInitial = backoffInitial == null ? Duration.ofMillis(100) : backoffInitial;
        backoffMax = backoffMax == null ? Duration.ofSeconds(30) : backoffMax;
    }
}
