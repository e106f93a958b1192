package io.gatehouse.plugins.discovery.etcd;

import java.time.Duration;
import java.util.List;

/**
 * Config of {@code discovery.etcd}.
 *
 * <pre>{@code
 * discovery: { type: etcd, endpoints: ["http://10.0.0.1:2379", "http://10.0.0.2:2379"], service: users }
 * }</pre>
 *
 * @param endpoints      etcd client URLs, tried in turn when one fails; default {@code [http://127.0.0.1:2379]}
 * @param service        the service whose endpoints to read; default: the upstream's name
 * @param prefix         the key prefix the endpoints are stored under; default
 *                       {@code /gatehouse/upstreams/<service>/}
 * @param apiPrefix      the path of etcd's HTTP/JSON gateway: {@code /v3} (etcd 3.4+), {@code /v3beta} (3.3);
 *                       default {@code /v3}
 * @param connectTimeout how long to wait for a TCP connection to etcd; default {@code 5s}
 * @param backoffInitial the first retry delay after a failure; default {@code 100ms}
 * @param backoffMax     the largest retry delay (it doubles up to this); default {@code 30s}
 */
public record EtcdConfig(List<String> endpoints, String service, String prefix, String apiPrefix,
                         Duration connectTimeout, Duration backoffInitial, Duration backoffMax) {

    /** Applies the defaults. */
    public EtcdConfig {
        endpoints = endpoints == null ? List.of("http://127.0.0.1:2379") : List.copyOf(endpoints);
        apiPrefix = apiPrefix == null ? "/v3" : apiPrefix;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        backoffInitial = backoffInitial == null ? Duration.ofMillis(100) : backoffInitial;
        backoffMax = backoffMax == null ? Duration.ofSeconds(30) : backoffMax;
    }

    /**
     * @param watched the service being watched
     * @return the key prefix for it
     */
    String prefixFor(String watched) {
        return prefix != null ? prefix : "/gatehouse/upstreams/" + watched + "/";
    }
}
