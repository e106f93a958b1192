package io.gatehouse.core.server;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections over the caps are closed at once; once others end, new ones are served again. */
class ConnectionLimitsIT {

    @Test
    void connectionsOverThePerAddressCapAreClosedAtOnce() throws Exception {
        assertCap("limits: { max_connections_per_ip: 4 }");
    }

    @Test
    void connectionsOverTheGlobalCapAreClosedAtOnce() throws Exception {
        assertCap("limits: { max_connections: 4 }");
    }

    private static void assertCap(String limits) throws Exception {
        try (RawUpstream upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("ok"));
             GatewayFixture gateway = GatewayFixture.start("""
                     server:
                       host: 127.0.0.1
                       port: 0
                       %s
                     upstreams:
                       raw: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                     routes:
                       - { id: all, match: { path: /*rest }, upstream: raw }
                     """.formatted(limits, upstream.url()))) {
            List<RawClient> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawClient client = RawClient.connect(gateway.uri("/"));
                    assertEquals(200, client.send("GET /held HTTP/1.1\r\nHost: gw\r\n\r\n").read().status());
                    held.add(client);
                }
                try (RawClient over = RawClient.connect(gateway.uri("/"))) {
                    over.send("GET /over HTTP/1.1\r\nHost: gw\r\n\r\n");
                    assertTrue(over.closedByPeer(), "a connection over the cap must be closed");
                }
                held.removeFirst().close();
                // the freed slot is released when the gateway sees the close: poll for it
                int status = 0;
                for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
                    try (RawClient next = RawClient.connect(gateway.uri("/"))) {
                        status = next.send("GET /again HTTP/1.1\r\nHost: gw\r\n\r\n").read().status();
                    } catch (java.io.IOException closed) {
                        Thread.sleep(100);
                    }
                }
                assertEquals(200, status);
            } finally {
                for (RawClient client : held) {
                    client.close();
                }
            }
            assertTrue(upstream.received().stream().noneMatch(r -> r.requestLine().contains("/over")));
        }
    }
}
