package io.gatehouse.bench.webclient;

import io.helidon.http.Header;
import io.helidon.http.HeaderValues;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;

import java.io.IOException;
import java.time.Duration;

/** Helidon's HTTP/1.1 WebClient with its own connection cache, as the gateway's first version used it. */
final class HelidonClient implements LoadClient {

    private static final Header X_FORWARDED_FOR = HeaderValues.create("X-Forwarded-For", FORWARDED_FOR);
    private static final Header X_FORWARDED_PROTO = HeaderValues.create("X-Forwarded-Proto", FORWARDED_PROTO);
    private static final Header FORWARDED_HEADER = HeaderValues.create("Forwarded", FORWARDED);
    private static final Header X_REAL_IP = HeaderValues.create("X-Real-IP", REAL_IP);

    private final Http1Client client;
    private final String path;

    HelidonClient(int port, String path) {
        this.client = client(port);
        this.path = path;
    }

    /** A client of its own (not the JVM-wide shared connection cache) with a 10 s read timeout. */
    static Http1Client client(int port) {
        return Http1Client.builder()
                .baseUri("http://127.0.0.1:" + port)
                .shareConnectionCache(false)
                .readTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Override
    public int get() throws IOException {
        try (Http1ClientResponse response = client.get(path)
                .header(X_FORWARDED_FOR)
                .header(X_FORWARDED_PROTO)
                .header(FORWARDED_HEADER)
                .header(X_REAL_IP)
                .request()) {
            if (response.status().code() != 200) {
                throw new IOException("status " + response.status());
            }
            return LoadClient.drain(response.inputStream());
        }
    }

    @Override
    public void close() {
        client.closeResource();
    }
}
