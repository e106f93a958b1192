package io.gatehouse.core.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three separate upstream timeouts: the route's {@code timeout} is a deadline for the response head (a head that
 * trickles in cannot stretch it); {@code read_idle_timeout} bounds each wait for more of the body (a body that
 * trickles is cut off, one that keeps coming is not, however long it takes); {@code write_timeout} bounds each
 * write of the request (an upstream that stops reading an upload fails the request instead of holding it).
 */
class UpstreamTimeoutsIT {

    private static final String OK = "HTTP/1.1 200 OK\r\n";
    private static final int UPLOAD = 24 * 1024 * 1024;

    /**
     * @param desc  the upstream's behaviour
     * @param reply what it does
     */
    record NoHead(String desc, RawUpstream.Reply reply) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static final List<NoHead> NO_HEAD = List.of(
            new NoHead("silent", RawUpstream.Reply.silence()),
            new NoHead("head-trickling-in", RawUpstream.Reply.trickle(OK + "X-Slow: ", 50)),
            new NoHead("interim-responses-only", RawUpstream.Reply.trickle("HTTP/1.1 100 Continue\r\n\r\n"
                    + "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n", 50)));

    private static RawUpstream heads;
    private static RawUpstream bodies;
    private static RawUpstream deaf;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        heads = RawUpstream.start(request -> NO_HEAD.stream()
                .filter(c -> request.requestLine().contains("/" + c.desc() + " ")).findFirst().orElseThrow().reply());
        bodies = RawUpstream.start(request -> request.requestLine().contains("/trickle ")
                ? RawUpstream.Reply.trickle(OK + "Content-Length: 1000000\r\n\r\n", 1000)
                : new RawUpstream.Reply(new byte[0], false, UpstreamTimeoutsIT::paced));
        deaf = RawUpstream.startReadingHeadsOnly(request -> RawUpstream.Reply.stopReading());
        gateway = GatewayFixture.start("""
                server: { host: 127.0.0.1, port: 0, limits: { max_body_size: 64MiB } }
                upstreams:
                  heads:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                  bodies:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    read_idle_timeout: 300ms
                  deaf:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    write_timeout: 300ms
                routes:
                  - { id: heads, match: { path: /heads/*rest }, upstream: heads, timeout: 500ms }
                  - { id: trickle, match: { path: /trickle }, upstream: bodies, timeout: 5s }
                  - { id: paced, match: { path: /paced }, upstream: bodies, timeout: 300ms }
                  - { id: deaf, match: { path: /deaf }, upstream: deaf, timeout: 30s }
                """.formatted(heads.url(), bodies.url(), deaf.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        heads.close();
        bodies.close();
        deaf.close();
    }

    /** A 20-byte body, one byte every 25 ms: slower in all than the route's timeout, never idle for long. */
    private static void paced(java.net.Socket socket, java.io.InputStream in, java.io.OutputStream out)
            throws IOException, InterruptedException {
        out.write((OK + "Content-Length: 20\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 20; i++) {
            out.flush();
            Thread.sleep(25);
            out.write('a' + i);
        }
        out.flush();
        in.transferTo(java.io.OutputStream.nullOutputStream());
    }

    static Stream<NoHead> noHead() {
        return NO_HEAD.stream();
    }

    @ParameterizedTest
    @MethodSource("noHead")
    void aHeadThatDoesNotArriveByTheRouteTimeoutIs504(NoHead c) throws Exception {
        RawClient.RawResponse response = request("GET /heads/" + c.desc() + " HTTP/1.1\r\nHost: gateway\r\n\r\n");

        assertEquals(504, response.status(), response.bodyText());
        JsonNode problem = EchoRoutes.JSON.readTree(response.body());
        assertEquals("upstream_timeout", problem.get("code").asText());
        assertEquals("the upstream 'heads' did not answer in time", problem.get("detail").asText());
    }

    @Test
    void aBodyThatTricklesIsCutOffAfterTheIdleTimeout() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("GET /trickle HTTP/1.1\r\nHost: gateway\r\n\r\n");
            // a body that is not cut off would take days: give up on it long before
            RawClient.RawResponse response = assertTimeoutPreemptively(Duration.ofSeconds(30), client::readCutOff);
            assertEquals(200, response.status(), "the head had gone out");
            assertTrue(response.body().length < 1_000_000, "cut off: " + response.body().length + " bytes");
            assertTrue(client.closedByPeer());
        }
    }

    @Test
    void aBodyThatKeepsComingIsNotCutOffByTheRouteTimeout() throws Exception {
        RawClient.RawResponse response = request("GET /paced HTTP/1.1\r\nHost: gateway\r\n\r\n");

        assertEquals(200, response.status());
        assertEquals("abcdefghijklmnopqrst", response.bodyText());
    }

    @Test
    void anUpstreamThatStopsReadingAnUploadFailsTheRequestAfterTheWriteTimeout() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    client.send("POST /deaf HTTP/1.1\r\nHost: gateway\r\nContent-Length: " + UPLOAD + "\r\n\r\n");
                    byte[] chunk = new byte[64 * 1024];
                    for (int sent = 0; sent < UPLOAD; sent += chunk.length) {
                        client.send(chunk);
                    }
                } catch (IOException e) {
                    // the gateway answered and closed before taking the whole upload
                }
            });
            RawClient.RawResponse response = client.read();

            assertEquals(504, response.status(), response.bodyText());
            JsonNode problem = EchoRoutes.JSON.readTree(response.body());
            assertEquals("upstream_timeout", problem.get("code").asText());
            assertEquals("the upstream 'deaf' stopped reading the request", problem.get("detail").asText());
            client.close();
            sender.join();
        }
    }

    private static RawClient.RawResponse request(String text) throws IOException {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            return client.send(text).read();
        }
    }
}
