package io.gatehouse.core.config;

/**
 * Request size and connection limits of the public listener.
 *
 * @param maxRequestLine        the longest request line (method, target, version) → 414 beyond; default {@code 8KiB}
 * @param maxHeaderSize         the largest total header block → 431 beyond; default {@code 16KiB}
 * @param maxBodySize           the largest request body → 413 beyond (a declared Content-Length over it is refused
 *                              before reading); default {@code 10MiB}
 * @param maxConnections        the most client connections open at once; beyond it a new connection is closed at
 *                              once (also kept below the process's descriptor limit); default 10000
 * @param maxConnectionsPerIp   the most client connections open at once from one address; default 1000
 * @param maxConcurrentRequests the most requests served at once on the routes; beyond it a request is answered
 *                              {@code 503 overloaded} at once (shed, not queued); default none
 */
public record LimitsConfig(ByteSize maxRequestLine, ByteSize maxHeaderSize, ByteSize maxBodySize,
                           Integer maxConnections, Integer maxConnectionsPerIp, Integer maxConcurrentRequests) {
    public LimitsConfig {
        maxRequestLine = maxRequestLine == null ? ByteSize.ofKib(8) : maxRequestLine;
        maxHeaderSize = maxHeaderSize == null ? ByteSize.ofKib(16) : maxHeaderSize;
        maxBodySize = maxBodySize == null ? ByteSize.ofMib(10) : maxBodySize;
        maxConnections = maxConnections == null ? 10_000 : maxConnections;
        maxConnectionsPerIp = maxConnectionsPerIp == null ? 1_000 : maxConnectionsPerIp;
    }
}
