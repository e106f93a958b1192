package io.gatehouse.plugins.discovery.dns;

import io.gatehouse.api.Required;

import java.time.Duration;

/**
 * Config of {@code discovery.dns}.
 *
 * <pre>{@code
 * discovery: { type: dns, hostname: users.internal, port: 8080, refresh: 10s }
 * }</pre>
 *
 * @param hostname the name whose A and AAAA records are the endpoints; required
 * @param port     the port every endpoint listens on; required, 1 to 65535
 * @param scheme   {@code http} or {@code https}; default {@code http}
 * @param refresh  how often to look the name up again; default {@code 30s}
 * @param weight   the weight of every endpoint; default 1
 */
public record DnsConfig(@Required String hostname, @Required Integer port, String scheme, Duration refresh,
                        Integer weight) {

    /** Applies the defaults. */
    public DnsConfig {
        scheme = scheme == null ? "http" : scheme;
        refresh = refresh == null ? Duration.ofSeconds(30) : refresh;
        weight = weight == null ? 1 : weight;
    }
}
