package io.gatehouse.core.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that goes away in the middle of its upload is the client's failure: the upstream request is abandoned
 * (the upstream never sees a complete body) and nothing counts against the upstream's health.
 */
class ClientAbortIT {

    private static final int DECLARED = 200_000;
    private static final int SENT = 1000;
    private static final int ABORTS = 6;

    private RawUpstream upstream;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("fine"));
        // three failures in a row would eject the only endpoint: six counted aborts would leave nothing to serve
        gateway = GatewayFixture.start("""
                upstreams:
                  raw:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    health: { passive: { consecutive_failures: 3, ejection_time: 1m } }
                routes:
                  - { id: all, match: { path: /*rest }, upstream: raw }
                """.formatted(upstream.url()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void clientsAbortingTheirUploadsLeaveTheUpstreamHealthy() throws Exception {
        for (int abort = 1; abort <= ABORTS; abort++) {
            try (RawClient client = RawClient.connect(gateway.uri("/"))) {
                client.send("POST /upload HTTP/1.1\r\nHost: gateway\r\nContent-Length: " + DECLARED + "\r\n\r\n"
                        + "x".repeat(SENT));
            }
            awaitReceived(abort);
        }

        HttpResponse<String> after = gateway.get("/after");
        assertEquals(200, after.statusCode(), after.body());
        assertEquals("fine", after.body());
        assertEquals(0, consecutiveFailures());
        List<RawUpstream.Received> uploads = upstream.received().stream()
                .filter(r -> r.requestLine().startsWith("POST")).toList();
        assertEquals(ABORTS, uploads.size());
        for (RawUpstream.Received upload : uploads) {
            assertTrue(upload.body().length < DECLARED, "the upstream got " + upload.body().length + " of "
                    + DECLARED + " bytes: an incomplete body");
        }
    }

    /** The upstream has seen the end of the abandoned upload: the gateway closed its connection. */
    private void awaitReceived(int uploads) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (upstream.received().size() < uploads && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(uploads, upstream.received().size(), "upload " + uploads + " reached the upstream");
    }

    private int consecutiveFailures() throws Exception {
        JsonNode upstreams = EchoRoutes.JSON.readTree(gateway.admin("/upstreams").body()).get("upstreams");
        return upstreams.get(0).get("endpoints").get(0).get("health").get("consecutive_failures").asInt();
    }
}
