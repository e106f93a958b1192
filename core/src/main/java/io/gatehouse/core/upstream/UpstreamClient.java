package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.core.tls.UpstreamTls;
import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;

import java.time.Duration;

/**
 * The connections of one upstream in a keep-alive pool; Helidon's client configuration supplies the socket
 * options (connect timeout), {@link UpstreamTls} the TLS of {@code https://} endpoints. Built once per config
 * generation and shared by all its requests.
 */
public final class UpstreamClient implements AutoCloseable {

    private static final int MAX_IDLE_PER_ENDPOINT = 256;
    private static final Duration MAX_IDLE = Duration.ofSeconds(4);

    private final WebClient webClient;
    private final ConnectionPool pool;
    private final int maxHeaderSize;

    public UpstreamClient(Duration connectTimeout, int maxHeaderSize) {
        this(connectTimeout, maxHeaderSize, UpstreamTls.verifying());
    }

    public UpstreamClient(Duration connectTimeout, int maxHeaderSize, UpstreamTls tls) {
        this.webClient = WebClient.builder()
                // TLS is UpstreamTls's: without this, Helidon makes its default TLS context here, which reads the
                // JDK's trust store and loads the TLS stack at every start, for a context never used
                .tls(Tls.builder().enabled(false).build())
                .connectTimeout(connectTimeout)
                .shareConnectionCache(false)
                .proxy(Proxy.noProxy())
                .build();
        this.pool = new ConnectionPool(webClient.prototype(), tls, MAX_IDLE_PER_ENDPOINT, MAX_IDLE);
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
        webClient.closeResource();
    }

    @Override
    public String toString() {
        return "UpstreamClient";
    }
}
