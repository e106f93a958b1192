package io.gatehouse.core.proxy;

import io.gatehouse.core.Gateway;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EventStreamClient;
import io.gatehouse.core.testing.EventStreamUpstream;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server-sent events and chunked bodies stream through (see docs/streaming.md): the upstream sends each event only
 * after the client has seen the one before, so a buffer anywhere on the way would hold the stream up and fail the
 * test. Pauses far longer than the timeouts show which limit applies to what: an event stream outlives the route's
 * {@code timeout} and the upstream's {@code read_idle_timeout}, a download does not outlive the latter, and a route's
 * {@code stream_idle_timeout} cuts a quiet event stream. A reload in the middle of a stream does not end it.
 */
class EventStreamIT {

    /** Several times the timeouts the config sets: a pause that must trip them when they apply. */
    private static final long PAUSE_MILLIS = 1500;
    private static EventStreamUpstream upstream;
    private static String config;
    private GatewayFixture gateway;

    @BeforeAll
    static void startUpstream() throws Exception {
        upstream = EventStreamUpstream.start();
        config = DocExample.yaml("docs/streaming.md", "streaming-routes")
                .replace("http://127.0.0.1:8081", upstream.url())
                .replace("read_idle_timeout: 30s", "read_idle_timeout: 300ms")
                .replace("timeout: 5s", "timeout: 300ms")
                .replace("stream_idle_timeout: 2m", "stream_idle_timeout: 300ms")
                + "  - { id: events, match: { path: /events }, upstream: feed, timeout: 300ms }\n";
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void eachEventReachesTheClientBeforeTheUpstreamSendsTheNext() throws Exception {
        gateway = GatewayFixture.start(config);
        try (EventStreamClient client = EventStreamClient.open(gateway.uri("/events"))) {
            assertEquals(200, client.response().statusCode());
            assertEquals("text/event-stream", client.response().headers().firstValue("Content-Type").orElse(""));
            EventStreamUpstream.Feed feed = upstream.next();
            assertEquals("text/event-stream", feed.request().header("Accept"));
            for (int i = 1; i <= 3; i++) {
                feed.send("id: " + i + "\ndata: event " + i + "\n\n"); // a few bytes: far below any buffer size
                assertEquals("id: " + i, client.nextLine());
                assertEquals("data: event " + i, client.nextLine());
            }
            feed.end();
            assertNull(client.end(), "the stream ends normally, with its last chunk");
            assertTrue(!feed.closedBeforeEnd());
        }
    }

    @Test
    void aQuietEventStreamOutlivesTheRouteTimeoutAndTheReadIdleTimeout() throws Exception {
        gateway = GatewayFixture.start(config);
        try (EventStreamClient client = EventStreamClient.open(gateway.uri("/events"))) {
            EventStreamUpstream.Feed feed = upstream.next();
            feed.send("data: before\n\n");
            assertEquals("data: before", client.nextLine());
            Thread.sleep(PAUSE_MILLIS); // five times timeout and read_idle_timeout (300ms): neither applies
            feed.send("data: after\n\n");
            assertEquals("data: after", client.nextLine());
            feed.end();
            assertNull(client.end());
        }
    }

    /**
     * @param desc        what limit applies
     * @param path        the route's path
     * @param contentType what the upstream's response is
     * @param line        the one line the upstream sends before it falls quiet
     */
    record QuietUpstream(String desc, String path, String contentType, String line) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<QuietUpstream> quietUpstreams() {
        return List.of(
                new QuietUpstream("download: read_idle_timeout", "/download/report.txt", "application/octet-stream",
                        "first part"),
                new QuietUpstream("event stream: stream_idle_timeout", "/prices/stream", "text/event-stream",
                        "data: 101.5"));
    }

    @ParameterizedTest
    @MethodSource("quietUpstreams")
    void aBodyQuietPastItsIdleTimeoutIsCutOff(QuietUpstream c) throws Exception {
        gateway = GatewayFixture.start(config);
        try (EventStreamClient client = EventStreamClient.open(gateway.uri(c.path()))) {
            assertEquals(c.contentType(), client.response().headers().firstValue("Content-Type").orElse(""));
            EventStreamUpstream.Feed feed = upstream.next();
            feed.send(c.line() + "\n\n");
            assertEquals(c.line(), client.nextLine());
            // the upstream sends nothing more: after the idle timeout the gateway gives up on it
            assertNotNull(client.end(), "the client sees a broken body, not a complete one");
            assertTrue(feed.closedBeforeEnd(), "the upstream connection is closed");
        }
    }

    @Test
    void aStreamKeepsFlowingAcrossAConfigReload() throws Exception {
        gateway = GatewayFixture.start(config);
        try (EventStreamClient client = EventStreamClient.open(gateway.uri("/events"))) {
            EventStreamUpstream.Feed feed = upstream.next();
            feed.send("data: 1\n\n");
            assertEquals("data: 1", client.nextLine());
            long before = gateway.gateway().generation();
            // the route and its upstream change: the stream stays on the generation it started on
            Gateway.ReloadStatus reload = gateway.reload(config.replace("read_idle_timeout: 300ms",
                    "read_idle_timeout: 400ms") + "  - { id: later, match: { path: /later }, upstream: feed }\n");
            assertTrue(reload.applied(), reload.problems().toString());
            assertTrue(gateway.gateway().generation() > before);
            try (EventStreamClient later = EventStreamClient.open(gateway.uri("/later"))) {
                EventStreamUpstream.Feed laterFeed = upstream.next();
                laterFeed.send("data: new generation\n\n");
                assertEquals("data: new generation", later.nextLine());
                laterFeed.end();
                assertNull(later.end());
            }
            feed.send("data: 2\n\n");
            assertEquals("data: 2", client.nextLine());
            feed.end();
            assertNull(client.end(), "the stream that began before the reload ends normally");
        }
    }

    /**
     * The same causality with a Helidon backend that writes each event to its response stream and flushes it, as an
     * application server's SSE endpoint does.
     */
    @Test
    void aHelidonBackendsEventsStreamThroughOneByOne() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (Backend backend = Backend.start(routing -> routing.get("/ticks", (req, res) -> {
            res.header("Content-Type", "text/event-stream");
            try (OutputStream out = res.outputStream()) {
                for (String event; !(event = events.take()).isEmpty(); ) {
                    out.write(event.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        }))) {
            gateway = GatewayFixture.start("""
                    upstreams:
                      ticks: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                    routes:
                      - { id: ticks, match: { path: /ticks }, upstream: ticks }
                    """.formatted(backend.url()));
            events.add("data: first\n\n");
            try (EventStreamClient client = EventStreamClient.open(gateway.uri("/ticks"))) {
                assertEquals("data: first", client.nextLine());
                events.add("data: second\n\n");
                assertEquals("data: second", client.nextLine());
                events.add("");
                assertNull(client.end());
            }
        }
    }

    /**
     * A chunked upload reaches the upstream chunk by chunk: the client sends its second chunk only once the upstream
     * has read the first.
     */
    @Test
    void aChunkedUploadReachesTheUpstreamBeforeItsEnd() throws Exception {
        CountDownLatch firstChunkArrived = new CountDownLatch(1);
        try (RawUpstream receiver = RawUpstream.startReadingHeadsOnly(request -> new RawUpstream.Reply(new byte[0],
                true, (socket, in, out) -> {
                    String first = readChunk(in);
                    firstChunkArrived.countDown();
                    StringBuilder all = new StringBuilder(first);
                    for (String chunk; !(chunk = readChunk(in)).isEmpty(); ) {
                        all.append(chunk);
                    }
                    in.readNBytes(2); // the CRLF closing the chunked body
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + all.length() + "\r\n\r\n" + all)
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }))) {
            gateway = GatewayFixture.start("""
                    upstreams:
                      receiver: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                    routes:
                      - { id: upload, match: { path: /upload }, upstream: receiver }
                    """.formatted(receiver.url()));
            try (RawClient client = RawClient.connect(gateway.uri("/"))) {
                client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\npart1\r\n");
                assertTrue(firstChunkArrived.await(10, TimeUnit.SECONDS),
                        "the first chunk reached the upstream while the body was still being sent");
                client.send("5\r\npart2\r\n0\r\n\r\n");
                RawClient.RawResponse response = client.read();
                assertEquals(200, response.status());
                assertEquals("part1part2", response.bodyText());
            }
            assertEquals("chunked", receiver.received().getFirst().header("Transfer-Encoding"));
        }
    }

    /** One chunk's data (empty for the last chunk), read off a chunked body. */
    private static String readChunk(InputStream in) throws IOException {
        int size = Integer.parseInt(line(in), 16);
        String data = new String(in.readNBytes(size), StandardCharsets.ISO_8859_1);
        if (size > 0) {
            line(in);
        }
        return data;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                throw new IOException("closed in a line");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
