package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.core.tls.UpstreamTls;
import io.helidon.common.socket.SocketOptions;

import java.time.Duration;

/**
 * The connections of one upstream in a keep-alive pool; Helidon's {@link SocketOptions} configure their sockets
 * (connect timeout; keep-alive and address reuse on, as Helidon's WebClient has them), {@link UpstreamTls} the TLS of
 * {@code https://} endpoints. No Helidon WebClient is built: only its socket options were used, and building one
 * loaded some 140 classes (109 of them its own) at every start. Built once per config
 * generation and shared by all its requests.
 */
public final class UpstreamClient implements AutoCloseable {

    private static final int MAX_IDLE_PER_ENDPOINT = 256;
    private static final Duration MAX_IDLE = Duration.ofSeconds(4);

    private final ConnectionPool pool;
    private final int maxHeaderSize;

    public UpstreamClient(Duration connectTimeout, int maxHeaderSize) {
        this(connectTimeout, maxHeaderSize, UpstreamTls.verifying());
    }

    public UpstreamClient(Duration connectTimeout, int maxHeaderSize, UpstreamTls tls) {
        SocketOptions options = SocketOptions.builder().connectTimeout(connectTimeout).build();
        this.pool = new ConnectionPool(options, tls, MAX_IDLE_PER_ENDPOINT, MAX_IDLE);
        this.maxHeaderSize = Math.max(maxHeaderSize, 16 * 1024);
    }

    /**
     * A connection to {@code endpoint}: an idle keep-alive one unless {@code fresh}.
     *
     * @throws java.io.UncheckedIOException when a new connection cannot be made
     */
    public UpstreamConnection connection(Endpoint endpoint, boolean fresh) {
        return pool.acquire(endpoint, fresh);
    }

    /** Closes the idle connections of endpoints that are gone; their busy ones close when released. */
    void retain(java.util.Set<String> endpointIds) {
        pool.retain(endpointIds);
    }

    /** @return the largest response header block accepted from the upstream */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "UpstreamClient";
    }
}
