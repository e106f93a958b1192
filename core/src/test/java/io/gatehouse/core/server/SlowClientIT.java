package io.gatehouse.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow and greedy clients meet the listener's timeouts (set to 1 s here): the connection is closed, the upstream is
 * not blamed, and other clients are served meanwhile. Assertions are on the connection being closed, never on how
 * long it took.
 */
class SlowClientIT {

    private static final int DOWNLOAD = 64 * 1024 * 1024;
    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        byte[] big = new byte[DOWNLOAD];
        String head = "HTTP/1.1 200 OK\r\nContent-Length: " + DOWNLOAD + "\r\n\r\n";
        upstream = RawUpstream.start(request -> {
            if (request.requestLine().startsWith("GET /big")) {
                byte[] reply = new byte[head.length() + big.length];
                System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, reply, 0, head.length());
                return new RawUpstream.Reply(reply, false);
            }
            return RawUpstream.Reply.ok("got " + request.body().length);
        });
        gateway = GatewayFixture.start("""
                server:
                  host: 127.0.0.1
                  port: 0
                  timeouts: { request_head: 1s, body_idle: 1s, keep_alive_idle: 1s, write: 1s }
                upstreams:
                  raw:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    health: { passive: { consecutive_failures: 1, ejection_time: 60s } }
                routes:
                  - { id: all, match: { path: /*rest }, upstream: raw, timeout: 30s }
                global_filters:
                  - access_log: { file: logs/access.log }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private int before;

    @BeforeEach
    void mark() {
        before = upstream.received().size();
    }

    @Test
    void aClientThatSendsNothingIsClosed() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            assertTrue(client.closedByPeer());
        }
    }

    @Test
    void slowlorisIsClosedWhileStillSending() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("GET /slow HTTP/1.1\r\nHost: gw\r\n");
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread dribble = Thread.ofVirtual().start(() -> {
                try {
                    while (sending.get()) {
                        client.send("X");
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the gateway: what the test waits for
                }
            });
            try {
                assertTrue(client.closedByPeer(), "a head sent a byte at a time must not keep the connection");
            } finally {
                sending.set(false);
                dribble.join();
            }
        }
        assertEquals(before, upstream.received().size());
        assertTrue(awaitLogLine("\"status\":408"), "the slow head is logged as 408");
    }

    @Test
    void anIdleKeptAliveConnectionIsClosed() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            assertEquals(200, client.send("GET /a HTTP/1.1\r\nHost: gw\r\n\r\n").read().status());
            assertTrue(client.closedByPeer());
        }
    }

    @Test
    void aStalledUploadIsClosedAndTheUpstreamIsNotBlamed() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("POST /upload HTTP/1.1\r\nHost: gw\r\nContent-Length: 100\r\n\r\n0123456789");
            assertTrue(client.closedByPeer());
        }
        // the body never completed, so the upstream received no request; and it is still in rotation
        assertEquals(before, upstream.received().size());
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            assertEquals(200, client.send("GET /after HTTP/1.1\r\nHost: gw\r\n\r\n").read().status());
        }
        assertTrue(awaitLogLine("\"status\":408"));
    }

    @Test
    void aClientThatStopsReadingIsCutOffByTheWriteTimeout() throws Exception {
        long read = 0;
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("GET /big HTTP/1.1\r\nHost: gw\r\n\r\n");
            Thread.sleep(4000); // not reading: the gateway's writes block until its write timeout closes the socket
            InputStream in = client.socket().getInputStream();
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    read += n;
                }
            } catch (SocketException reset) {
                // closed under unread data
            }
        }
        assertTrue(read < DOWNLOAD, "the response must have been cut off, read " + read);
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            assertEquals(200, client.send("GET /after HTTP/1.1\r\nHost: gw\r\n\r\n").read().status());
        }
    }

    private static boolean awaitLogLine(String fragment) throws Exception {
        Path log = gateway.home().resolve("logs/access.log");
        for (int i = 0; i < 100; i++) {
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log);
                for (String line : lines) {
                    if (line.contains(fragment)) {
                        JsonNode json = EchoRoutes.JSON.readTree(line);
                        return json.has("request_id");
                    }
                }
            }
            Thread.sleep(100);
        }
        return false;
    }
}
