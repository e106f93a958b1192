package io.gatehouse.bench.webclient;

import java.io.IOException;
import java.io.InputStream;

/**
 * An HTTP/1.1 client under test: GETs one path of the {@link FixedServer}, from many threads at once, over
 * keep-alive connections it pools itself. Every request carries the forwarding headers a gateway adds, so each
 * client sends the same request.
 */
public interface LoadClient extends AutoCloseable {

    String FORWARDED_FOR = "127.0.0.1";
    String FORWARDED_PROTO = "http";
    String FORWARDED = "for=127.0.0.1;proto=http";
    String REAL_IP = "127.0.0.1";

    /**
     * Sends one GET and reads the whole response body.
     *
     * @return the number of body bytes read
     * @throws IOException when the exchange failed or the status was not 200
     */
    int get() throws IOException;

    @Override
    void close();

    /** Reads a body to its end; @return its length. */
    static int drain(InputStream body) throws IOException {
        byte[] buffer = new byte[8192];
        int total = 0;
        try (body) {
            for (int n; (n = body.read(buffer)) != -1; ) {
                total += n;
            }
        }
        return total;
    }

    /** The client named {@code webclient} (Helidon's) or {@code own} (the gateway's). */
    static LoadClient create(String name, int port, String path) {
        return switch (name) {
            case "webclient" -> new HelidonClient(port, path);
            case "own" -> new io.gatehouse.core.proxy.OwnUpstreamClient(port, path);
            default -> throw new IllegalArgumentException("unknown client '" + name + "': webclient or own");
        };
    }
}
