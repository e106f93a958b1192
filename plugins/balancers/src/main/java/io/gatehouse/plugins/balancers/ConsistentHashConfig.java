package io.gatehouse.plugins.balancers;

import java.util.List;

/**
 * Config of {@code lb.consistent_hash}.
 *
 * <pre>{@code
 * balancer: { type: consistent_hash, key: header, name: X-User }
 * }</pre>
 *
 * @param key          where the hash key comes from: {@code header}, {@code cookie}, {@code query} (a query
 *                     parameter, percent-decoded), {@code client_ip} or {@code path} (the normalised request path);
 *                     default {@code client_ip}. A request without the key is hashed on its client IP
 * @param name         the header, cookie or query parameter name; required when {@code key} is one of those, not
 *                     allowed otherwise. Header names match in any case, cookie and query names exactly
 * @param virtualNodes points on the ring per unit of endpoint weight, 100 to 10000; default 160
 */
public record ConsistentHashConfig(String key, String name, Integer virtualNodes) {

    /** The values {@code key} may take. */
    static final List<String> KEYS = List.of("header", "cookie", "query", "client_ip", "path");
    static final int DEFAULT_VIRTUAL_NODES = 160;
    static final int MIN_VIRTUAL_NODES = 100;
    static final int MAX_VIRTUAL_NODES = 10_000;

    /** Applies the defaults. */
    public ConsistentHashConfig {
        key = key == null ? "client_ip" : key;
        virtualNodes = virtualNodes == null ? DEFAULT_VIRTUAL_NODES : virtualNodes;
    }

    /** @return whether {@code key} names a header, cookie or query parameter, and so needs {@code name} */
    boolean keyNeedsName() {
        return key.equals("header") || key.equals("cookie") || key.equals("query");
    }
}
