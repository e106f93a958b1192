package io.gatehouse.core.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.plugins.FaultPlugins;
import io.gatehouse.core.websocket.JdkClient.Closed;
import io.gatehouse.core.websocket.JdkClient.Pong;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSocket through the gateway: a real Helidon WebSocket server behind it, the JDK's WebSocket client in front,
 * and raw sockets on either side for what real peers never send. Every case checks what the client got and what
 * the upstream saw (or that it saw nothing).
 */
class WebSocketIT {

    private static final ObjectMapper JSON = new ObjectMapper();
        /** What the backend heard: one line per handshake, close and error. */
    private static final BlockingQueue<String> BACKEND = new LinkedBlockingQueue<>();
    private static final AtomicInteger HANDSHAKES = new AtomicInteger();

    private static WebServer backend;
    private static ScriptedUpstream scripted;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        backend = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .addRouting(WsRouting.builder().endpoint("/echo", new Echo(BACKEND, HANDSHAKES)).endpoint("/chat", new Echo(BACKEND, HANDSHAKES))
                        .endpoint("/ticker", new Echo(BACKEND, HANDSHAKES)))
                .build().start();
        scripted = new ScriptedUpstream();
        int closedPort;
        try (java.net.ServerSocket nobody = new java.net.ServerSocket(0)) {
            closedPort = nobody.getLocalPort();
        }
        gateway = GatewayFixture.start(FaultPlugins.home(), """
                server: { host: 127.0.0.1, port: 0, limits: { max_connections_per_ip: 5000 } }
                upstreams:
                  ws: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] } }
                  scripted: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] } }
                  gone: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] }, retries: 0 }
                routes:
                  - { id: echo, match: { path: /echo }, upstream: ws, websocket: { max_connections: 2000 } }
                  - id: limited
                    match: { path: /limited }
                    upstream: ws
                    rewrite: /echo
                    websocket: { max_message_size: 1KiB, idle_timeout: 1s }
                  - { id: plain, match: { path: /plain }, upstream: ws }
                  - id: auth
                    match: { path: /auth }
                    upstream: ws
                    rewrite: /echo
                    websocket: true
                    filters: [ test_auth: { header: X-Key } ]
                  - id: browser
                    match: { path: /browser }
                    upstream: ws
                    rewrite: /echo
                    websocket: { allowed_origins: [ "https://app.example.com", "https://*.example.org" ] }
                  - id: single
                    match: { path: /single }
                    upstream: ws
                    rewrite: /echo
                    websocket: { max_connections: 1 }
                  - { id: scripted, match: { path: /raw/*rest }, upstream: scripted, strip_prefix: 1, websocket: true }
                  - { id: gone, match: { path: /gone }, upstream: gone, websocket: true }
                """.formatted(backend.port(), scripted.port(), closedPort));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.stop();
        }
        if (scripted != null) {
            scripted.close();
        }
    }

    @Test
    void textBinaryPingAndSubprotocolGoThroughAndCloseCarriesCodeAndReason() throws Exception {
        JdkClient client = JdkClient.open(gateway, "/echo", "chat");
        assertEquals("chat", client.ws.getSubprotocol());
        assertTrue(backendHeard("handshake /echo protocol=chat"));

        client.ws.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello", client.next());
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        client.ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
        assertArrayEquals(bytes, (byte[]) client.next());
        client.ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new Pong("are you there"), client.next());

        client.ws.sendClose(4000, "client says bye").get(10, TimeUnit.SECONDS);
        assertTrue(backendHeard("close 4000 client says bye"));
        assertEquals(new Closed(1000, "normal"), client.next(), "Helidon's server answers any close so");
    }

    @Test
    void upstreamCloseReachesTheClientWithItsCodeAndReason() throws Exception {
        JdkClient client = JdkClient.open(gateway, "/echo");
        client.ws.sendText("close-me", true).get(10, TimeUnit.SECONDS);
        assertEquals(new Closed(4001, "server says bye"), client.next());
    }

    @Test
    void aFragmentedMebibyteMessageArrivesWhole() throws Exception {
        JdkClient client = JdkClient.open(gateway, "/echo");
        byte[] message = new byte[1024 * 1024];
        new java.util.Random(7).nextBytes(message);
        int fragment = 64 * 1024;
        for (int at = 0; at < message.length; at += fragment) {
            client.ws.sendBinary(ByteBuffer.wrap(message, at, fragment), at + fragment == message.length)
                    .get(10, TimeUnit.SECONDS);
        }
        assertArrayEquals(message, (byte[]) client.next());
        client.ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMessageOverTheLimitClosesBothSidesWith1009() throws Exception {
        JdkClient client = JdkClient.open(gateway, "/limited");
        client.ws.sendText("x".repeat(600), false).get(10, TimeUnit.SECONDS);
        client.ws.sendText("y".repeat(600), true).get(10, TimeUnit.SECONDS); // 1200 bytes; the limit is 1 KiB
        Closed closed = assertInstanceOf(Closed.class, client.next());
        assertEquals(1009, closed.code());
        assertTrue(backendHeard("close 1009 "), "the upstream heard the close too");
    }

    @Test
    void anIdleTunnelClosesWith1001() throws Exception {
        JdkClient client = JdkClient.open(gateway, "/limited");
        assertEquals(new Closed(1001, "idle timeout"), client.next());
        assertTrue(backendHeard("close 1001 idle timeout"));
    }

    @Test
    void anOriginNotAllowedIsRefusedBeforeTheUpstreamHearsOfIt() throws Exception {
        int before = HANDSHAKES.get();
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            String head = raw.send(RawWebSocket.handshake("/echo", "Origin: https://evil.example")).readHead();
            assertTrue(head.startsWith("HTTP/1.1 403 "), head);
            assertTrue(head.contains("application/problem+json"), head);
        }
        assertEquals("HTTP/1.1 101", status("/echo", "Origin: http://localhost"), "the request's own host");
        assertEquals("HTTP/1.1 403", status("/echo", "Origin: http://localhost:8080"), "another port");
        assertEquals("HTTP/1.1 101", status("/browser", "Origin: https://app.example.com"));
        assertEquals("HTTP/1.1 101", status("/browser", "Origin: https://a.b.example.org"));
        assertEquals("HTTP/1.1 403", status("/browser", "Origin: https://example.org"));
        assertEquals("HTTP/1.1 403", status("/browser", "Origin: https://app.example.com.evil"));
        assertEquals("HTTP/1.1 403", status("/browser", "Origin: http://localhost"));
        assertEquals(before + 3, HANDSHAKES.get(), "only the allowed handshakes reached the upstream");
    }

    @Test
    void theRoutesFiltersRunOnTheHandshake() throws Exception {
        int before = HANDSHAKES.get();
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> JdkClient.open(gateway, "/auth"));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class,
                refused.getCause());
        assertEquals(401, handshake.getResponse().statusCode());
        assertEquals(before, HANDSHAKES.get(), "the upstream saw nothing");

        JdkClient client = JdkClient.open(gateway, "/auth", new String[0], "X-Key", "alice");
        client.ws.sendText("authenticated", true).get(10, TimeUnit.SECONDS);
        assertEquals("authenticated", client.next());
    }

    @Test
    void malformedHandshakesAreRefused() throws Exception {
        int before = HANDSHAKES.get();
        assertEquals("HTTP/1.1 400", status("/echo", "Sec-WebSocket-Key: c2hvcnQ="));
        assertEquals("HTTP/1.1 400", status("/plain"), "a route without websocket");
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            String head = raw.send(RawWebSocket.handshake("/echo", "Sec-WebSocket-Version: 8")).readHead();
            assertTrue(head.startsWith("HTTP/1.1 426 "), head);
            assertTrue(head.contains("Sec-WebSocket-Version: 13"), head);
        }
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            String head = raw.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: "
                    + "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Content-Length: 0\r\n\r\n").readHead();
            assertTrue(head.startsWith("HTTP/1.1 400 "), head);
        }
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            // h2c is not switched to: Upgrade is hop-by-hop, the request is served as HTTP/1.1
            String head = raw.send("GET /plain HTTP/1.1\r\nHost: localhost\r\nUpgrade: h2c\r\nConnection: Upgrade, "
                    + "HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n").readHead();
            assertFalse(head.startsWith("HTTP/1.1 101"), head);
        }
        assertEquals(before, HANDSHAKES.get());
    }

    @Test
    void routeTunnelLimitAnswers503() throws Exception {
        JdkClient first = JdkClient.open(gateway, "/single");
        assertEquals("HTTP/1.1 503", status("/single"));
        first.ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        assertInstanceOf(Closed.class, first.next());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!status("/single").equals("HTTP/1.1 101")) { // the slot is free once the tunnel has ended
            assertTrue(System.nanoTime() < deadline, "the slot never came back");
            Thread.sleep(50);
        }
    }

    @Test
    void anUpstreamRefusalIsPassedThroughAndTheConnectionStaysHttp() throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            String head = raw.send(RawWebSocket.handshake("/raw/deny")).readHead();
            assertTrue(head.startsWith("HTTP/1.1 403 Forbidden"), head);
            assertEquals("no way", raw.readBody(6));
            // what a smuggler would send next: a frame. It is read as HTTP, so it is a malformed request
            raw.send(RawWebSocket.frame(0x81, "GET /admin HTTP/1.1".getBytes(StandardCharsets.UTF_8), true));
            raw.send("\r\n\r\n");
            String next = raw.readHead();
            assertTrue(next.startsWith("HTTP/1.1 400 "), next);
        }
        Thread.sleep(200);
        assertEquals(List.of(), scripted.bytesAfterRefusal, "nothing was tunnelled to the upstream");
    }

    @Test
    void aBadSwitchFromTheUpstreamIsA502() throws Exception {
        assertEquals("HTTP/1.1 502", status("/raw/badaccept"));
        assertEquals("HTTP/1.1 502", status("/raw/ext"));
    }

    @Test
    void anUpstreamDyingMidTunnelClosesTheClientWith1011() throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            assertTrue(raw.send(RawWebSocket.handshake("/raw/die")).readHead().startsWith("HTTP/1.1 101 "));
            raw.send(RawWebSocket.frame(0x81, "last words".getBytes(StandardCharsets.UTF_8), true));
            RawWebSocket.Frame close = raw.readFrame();
            assertEquals(8, close.opcode());
            assertEquals(1011, close.closeCode());
            assertFalse(close.masked());
            assertTrue(raw.closedByPeer());
        }
        assertTrue(scripted.frames.stream().anyMatch(f -> f.text().equals("last words")));
    }

    @Test
    void anUpstreamThatCannotBeReachedIsA502BeforeAnyUpgrade() throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            String head = raw.send(RawWebSocket.handshake("/gone")).readHead();
            assertTrue(head.startsWith("HTTP/1.1 502 "), head);
            assertTrue(head.contains("application/problem+json"), head);
        }
    }

    @Test
    void aClientThatGoesAwayClosesTheUpstreamSide() throws Exception {
        RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort());
        assertTrue(raw.send(RawWebSocket.handshake("/echo")).readHead().startsWith("HTTP/1.1 101 "));
        raw.socket().setSoLinger(true, 0);
        raw.close(); // a reset, no close frame
        assertTrue(backendHeard("close 1001 client went away"));
    }

    @Test
    void emptyControlFramesPassThroughAtOnce() throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            assertTrue(raw.send(RawWebSocket.handshake("/echo")).readHead().startsWith("HTTP/1.1 101 "));
            raw.send(RawWebSocket.frame(0x89, new byte[0], true));
            RawWebSocket.Frame pong = raw.readFrame();
            assertEquals(0xA, pong.opcode());
            assertEquals(0, pong.payload().length);
            raw.send(RawWebSocket.frame(0x88, new byte[0], true)); // a close without a code
            assertEquals(8, raw.readFrame().opcode());
            assertTrue(raw.closedByPeer());
        }
        assertTrue(backendHeard("close "), "the upstream got the close");
    }

    @Test
    void anUnmaskedClientFrameClosesBothSidesWith1002() throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            assertTrue(raw.send(RawWebSocket.handshake("/echo")).readHead().startsWith("HTTP/1.1 101 "));
            raw.send(RawWebSocket.frame(0x81, "no mask".getBytes(StandardCharsets.UTF_8), false));
            RawWebSocket.Frame close = raw.readFrame();
            assertEquals(1002, close.closeCode());
        }
        assertTrue(backendHeard("close 1002 "));
    }

    @Test
    void permessageDeflateIsNegotiatedEndToEnd() throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            String head = raw.send(RawWebSocket.handshake("/raw/deflate",
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")).readHead();
            assertTrue(head.contains("Sec-WebSocket-Extensions: permessage-deflate"), head);
            RawWebSocket.Frame compressed = raw.readFrame();
            assertEquals(0xC1, compressed.b0(), "RSV1 passes through once negotiated");
            raw.send(RawWebSocket.close(1000, "done", true));
            assertEquals(1000, raw.readFrame().closeCode());
        }
        assertTrue(scripted.heads.stream().anyMatch(h -> h.contains("permessage-deflate; client_max_window_bits")));
    }

    @Test
    void openTunnelsAreCountedInTheAdminApiAndMetrics() throws Exception {
        JdkClient client = JdkClient.open(gateway, "/browser");
        JsonNode view = JSON.readTree(gateway.admin("/websockets").body());
        JsonNode browser = null;
        for (JsonNode route : view.get("routes")) {
            if (route.get("route").asText().equals("browser")) {
                browser = route;
            }
        }
        assertNotNull(browser, view.toString());
        assertEquals(1, browser.get("open").asInt(), view.toString());
        String metrics = gateway.admin("/metrics").body();
        assertTrue(metrics.contains("gatehouse_websocket_tunnels{route=\"browser\"} 1"), metrics);
        client.ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void aThousandTunnelsAreHeldAndEchoed() throws Exception {
        int n = 1000;
        System.gc();
        long heapBefore = usedHeap();
        List<JdkClient> clients = new ArrayList<>();
        try {
            holdAndEcho(clients, n, heapBefore);
        } finally {
            clients.forEach(client -> client.ws.abort());
        }
    }

    private static void holdAndEcho(List<JdkClient> clients, int n, long heapBefore) throws Exception {
        for (int i = 0; i < n; i++) {
            clients.add(JdkClient.open(gateway, "/echo"));
        }
        for (int i = 0; i < n; i++) {
            clients.get(i).ws.sendText("n" + i, true).get(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < n; i++) {
            assertEquals("n" + i, clients.get(i).next());
        }
        System.gc();
        long heapHeld = usedHeap();
        System.out.printf("WebSocketIT: %d tunnels held; heap of the whole JVM (clients, gateway, backend) grew "
                + "%d KiB, %.1f KiB per connection%n", n, (heapHeld - heapBefore) / 1024,
                (heapHeld - heapBefore) / 1024.0 / n);
        for (JdkClient client : clients) {
            client.ws.sendClose(1000, "");
        }
        for (JdkClient client : clients) {
            assertInstanceOf(Closed.class, client.next());
        }
    }

    @Test
    void aReloadKeepsOpenTunnelsAndTheDrainLimitClosesThemWith1001() throws Exception {
        String config = DocExample.yaml("docs/websocket.md", "drain")
                .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + backend.port());
        try (GatewayFixture own = GatewayFixture.start(config)) {
            JdkClient kept = JdkClient.open(own, "/chat");
            JdkClient drained = JdkClient.open(own, "/ticker");
            assertTrue(own.reload(config + "\n  - { id: added, match: { path: /added }, upstream: chat }\n")
                    .applied());
            kept.ws.sendText("after the reload", true).get(10, TimeUnit.SECONDS);
            assertEquals("after the reload", kept.next());
            assertEquals(new Closed(1001, "the gateway's config changed; reconnect"), drained.next());
            assertTrue(own.reload(config).applied());
            kept.ws.sendText("after two reloads", true).get(10, TimeUnit.SECONDS);
            assertEquals("after two reloads", kept.next());
            kept.ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM's drain closes every open tunnel with 1001 at its start, then ends once their connections have. */
    @Test
    void aGracefulShutdownClosesOpenTunnelsWith1001() throws Exception {
        String config = DocExample.yaml("docs/websocket.md", "drain")
                .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + backend.port());
        try (GatewayFixture own = GatewayFixture.start(config)) {
            JdkClient open = JdkClient.open(own, "/chat");
            open.ws.sendText("before", true).get(10, TimeUnit.SECONDS);
            assertEquals("before", open.next());
            Thread shutdown = Thread.ofVirtual().start(() -> own.gateway().shutdown());
            assertEquals(new Closed(1001, "going away"), open.next());
            shutdown.join(java.time.Duration.ofSeconds(60));
            assertFalse(shutdown.isAlive(), "the drain ended once the tunnel had");
        }
    }

    /**
     * Not a check but figures for the docs: the heap a held connection costs with raw-socket clients, straight to
     * the backend and through the gateway (the difference is the gateway's share), and the echo round trips one
     * connection makes in a second either way.
     */
    @Test
    void memoryPerTunnelAndRoundTripsAreReported() throws Exception {
        int n = 500;
        long[] direct = holdRaw(backend.port(), n);
        long[] proxied = holdRaw(gateway.uri("/").getPort(), n);
        System.out.printf("WebSocketIT: heap per held connection %.1f KiB direct, %.1f KiB through the gateway; "
                + "echo round trips on one connection %d/s direct, %d/s through the gateway%n",
                direct[0] / 1024.0 / n, proxied[0] / 1024.0 / n, direct[1], proxied[1]);
    }

    /**
     * @return the heap growth while {@code n} raw connections to {@code port} are held and have echoed, and the
     *         round trips per second of 2 000 echoes on one of them
     */
    private static long[] holdRaw(int port, int n) throws Exception {
        List<RawWebSocket> held = new ArrayList<>();
        System.gc();
        long heap = usedHeap();
        try {
            for (int i = 0; i < n; i++) {
                RawWebSocket raw = RawWebSocket.connect(port);
                held.add(raw);
                assertTrue(raw.send(RawWebSocket.handshake("/echo")).readHead().startsWith("HTTP/1.1 101"));
                raw.send(RawWebSocket.frame(0x81, ("n" + i).getBytes(StandardCharsets.UTF_8), true));
                assertEquals("n" + i, raw.readFrame().text());
            }
            System.gc();
            long grown = usedHeap() - heap;
            byte[] frame = RawWebSocket.frame(0x81, "ping-pong".getBytes(StandardCharsets.UTF_8), true);
            long start = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                assertEquals("ping-pong", held.getFirst().send(frame).readFrame().text());
            }
            return new long[] {grown, 2000L * 1_000_000_000 / (System.nanoTime() - start)};
        } finally {
            for (RawWebSocket raw : held) {
                raw.send(RawWebSocket.close(1000, "", true));
                raw.close();
            }
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The status line's start of a raw handshake's answer. */
    private static String status(String path, String... headers) throws IOException {
        try (RawWebSocket raw = RawWebSocket.connect(gateway.uri("/").getPort())) {
            String head = raw.send(RawWebSocket.handshake(path, headers)).readHead();
            return head.substring(0, 12);
        }
    }

    private static boolean backendHeard(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = BACKEND.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return true;
            }
            if (line != null) {
                seen.add(line);
            }
        }
        System.out.println("the backend heard instead: " + seen);
        return false;
    }
}
