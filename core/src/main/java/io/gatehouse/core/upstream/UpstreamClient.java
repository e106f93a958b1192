package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientProtocolConfig;

import java.time.Duration;

/**
 * The HTTP/1.1 client of one upstream with its keep-alive pool, built once per config generation and shared by
 * all its requests.
 */
public final class UpstreamClient implements AutoCloseable {

    private static final int MAX_IDLE_PER_ENDPOINT = 256;

    private final WebClient webClient;
    private final Http1Client client;
    private final ConnectionPool pool;

    public UpstreamClient(Duration connectTimeout, int maxHeaderSize) {
        this.webClient = WebClient.builder()
                .connectTimeout(connectTimeout)
                .shareConnectionCache(false)
                .sendExpectContinue(false)
                .followRedirects(false)
                .keepAlive(true)
                .proxy(Proxy.noProxy())
                .addProtocolConfig(Http1ClientProtocolConfig.builder()
                        .maxHeaderSize(Math.max(maxHeaderSize, 16 * 1024))
                        .validateRequestHeaders(false)
                        .validateResponseHeaders(false)
                        .build())
                .build();
        this.client = webClient.client(Http1Client.PROTOCOL);
        this.pool = new ConnectionPool(webClient, webClient.prototype(), MAX_IDLE_PER_ENDPOINT);
    }

    public Http1Client http() {
        return client;
    }

    /** A keep-alive connection to {@code endpoint}, to hand to a request; Helidon releases it after the response. */
    public TcpClientConnection connection(Endpoint endpoint, Duration readTimeout) {
        return pool.acquire(endpoint, readTimeout);
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
