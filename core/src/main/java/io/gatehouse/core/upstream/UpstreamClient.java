package io.gatehouse.core.upstream;

import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.http1.Http1Client;

import java.time.Duration;

/**
 * The pooled HTTP/1.1 client of one upstream, built once per config generation and shared by all its requests.
 */
public final class UpstreamClient implements AutoCloseable {

    private final Http1Client client;

    public UpstreamClient(Duration connectTimeout, int maxHeaderSize) {
        this.client = Http1Client.builder()
                .connectTimeout(connectTimeout)
                .shareConnectionCache(false)
                .connectionCacheSize(512)
                .sendExpectContinue(false)
                .followRedirects(false)
                .proxy(Proxy.noProxy())
                .keepAlive(true)
                .protocolConfig(protocol -> protocol
                        .maxHeaderSize(Math.max(maxHeaderSize, 16 * 1024))
                        .validateRequestHeaders(false)
                        .validateResponseHeaders(false))
                .build();
    }

    public Http1Client http() {
        return client;
    }

    @Override
    public void close() {
        client.closeResource();
    }

    @Override
    public String toString() {
        return "UpstreamClient";
    }
}
