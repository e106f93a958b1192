package io.gatehouse.core.proxy;

import io.gatehouse.api.Body;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.bench.webclient.LoadClient;
import io.gatehouse.core.upstream.UpstreamClient;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * The gateway's own HTTP/1.1 upstream client, taken from the built gatehouse-core JAR: {@link UpstreamClient}'s
 * connection pool and {@link Http1Call}'s request writing and response reading, called as {@code HttpProxy.send}
 * calls them (without its balancer, health and retry bookkeeping, which a gateway on WebClient would keep too).
 * This class sits in core's package only to reach the package-private {@code Http1Call}.
 */
public final class OwnUpstreamClient implements LoadClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ForwardedHeaders FORWARDING = new ForwardedHeaders(FORWARDED_FOR, FORWARDED_PROTO, null,
            FORWARDED, REAL_IP);

    private final UpstreamClient client = new UpstreamClient(Duration.ofSeconds(5), 16 * 1024);
    private final Endpoint endpoint;
    private final Http1Call.Outgoing request;

    public OwnUpstreamClient(int port, String path) {
        this.endpoint = Endpoint.of("http://127.0.0.1:" + port);
        this.request = new Http1Call.Outgoing("GET", "127.0.0.1:" + port, path, new Headers(), Set.of(), FORWARDING,
                null, Body.empty(), 0, false);
    }

    @Override
    public int get() throws IOException {
        Response response = Http1Call.exchange(client.connection(endpoint, false), request, TIMEOUT,
                client.maxHeaderSize());
        try (Body body = response.body()) {
            if (response.status() != 200) {
                throw new IOException("status " + response.status());
            }
            return LoadClient.drain(body.stream());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
