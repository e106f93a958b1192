package io.gatehouse.core.server;

import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EventStreamClient;
import io.gatehouse.core.testing.EventStreamUpstream;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drain of a graceful shutdown ({@code Gateway.shutdown()}, what SIGTERM runs; see docs/shutdown.md), in
 * process: {@code /ready} fails at once while {@code /health} stays up, new connections are refused, idle keep-alive
 * connections are closed, a request in flight finishes with its whole body and {@code Connection: close}, an event
 * stream still open at the deadline gets its last chunk, and a request that outlasts the deadline is cut off.
 * {@code ShutdownSignalIT} sends a real SIGTERM to a gateway process.
 */
class GracefulShutdownIT {

    private GatewayFixture gateway;
    private RawUpstream upstream;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private GatewayFixture start(String upstreamUrl, String drainTimeout) throws Exception {
        return GatewayFixture.start(DocExample.yaml("docs/shutdown.md", "shutdown")
                .replace("host: 0.0.0.0, port: 8080", "host: 127.0.0.1, port: 0")
                .replace("drain_timeout: 25s", "drain_timeout: " + drainTimeout)
                .replace("http://127.0.0.1:8081", upstreamUrl)
                .replace("admin: { port: 9080 }", "admin: { port: 0 }"));
    }

    @Test
    void aRequestInFlightFinishesWhileReadyFailsAndNewConnectionsAreRefused() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        upstream = RawUpstream.start(request -> !request.requestLine().contains("/slow") ? RawUpstream.Reply.ok("up")
                : new RawUpstream.Reply(new byte[0], true, (socket, in, out) -> {
                    held.countDown();
                    release.await(); // answers once the test has seen the drain under way
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }));
        gateway = start(upstream.url(), "20s");
        CountDownLatch drainablesTold = new CountDownLatch(1);
        gateway.gateway().onDrain(drainablesTold::countDown);
        int port = gateway.gateway().port();
        assertEquals(200, status("/ready"));

        try (RawClient idle = RawClient.connect(port); RawClient busy = RawClient.connect(port)) {
            idle.send("GET /api/ping HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, idle.read().status()); // now a keep-alive connection between requests
            busy.send("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(held.await(10, TimeUnit.SECONDS), "the request reached the upstream");

            Thread shutdown = Thread.ofPlatform().start(gateway.gateway()::shutdown);
            poll("/ready answers 503", () -> status("/ready") == 503);
            assertTrue(drainablesTold.await(10, TimeUnit.SECONDS), "the drainables were told at the start");
            assertEquals(200, status("/health"), "the process is alive while it drains");
            poll("a new connection is refused", () -> refused(port));
            assertTrue(idle.closedByPeer(), "an idle keep-alive connection is closed at once");
            assertTrue(shutdown.isAlive(), "the drain waits for the request in flight");

            release.countDown();
            RawClient.RawResponse response = busy.read();
            assertEquals(200, response.status());
            assertEquals("hello world", response.bodyText(), "the request in flight got its whole body");
            assertEquals("close", response.header("Connection"));
            shutdown.join(Duration.ofSeconds(10));
            assertFalse(shutdown.isAlive(), "the drain ends when the last request has, not at drain_timeout");
        }
        assertEquals(2, upstream.received().size());
    }

    /** The same over HTTP/2 (h2c, Debian's nghttp): the stream in flight is answered whole before the close. */
    @Test
    void anHttp2StreamInFlightFinishes() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        upstream = RawUpstream.start(request -> new RawUpstream.Reply(new byte[0], true, (socket, in, out) -> {
            held.countDown();
            release.await();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nhello over h2\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }));
        gateway = start(upstream.url(), "20s");
        Process nghttp = new ProcessBuilder("nghttp", "--no-dep", "-t", "30",
                "http://127.0.0.1:" + gateway.gateway().port() + "/api/slow-h2").redirectErrorStream(true).start();
        try {
            assertTrue(held.await(20, TimeUnit.SECONDS), "the stream reached the upstream");
            Thread shutdown = Thread.ofPlatform().start(gateway.gateway()::shutdown);
            poll("/ready answers 503", () -> status("/ready") == 503);
            assertTrue(shutdown.isAlive(), "the drain waits for the stream in flight");
            release.countDown();
            String output = new String(nghttp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(nghttp.waitFor(30, TimeUnit.SECONDS), "nghttp ended");
            assertEquals(0, nghttp.exitValue(), "nghttp saw every stream answered: " + output);
            assertEquals("hello over h2\n", output, "the whole body");
            shutdown.join(Duration.ofSeconds(10));
            assertFalse(shutdown.isAlive(), "the drain ended once the stream had");
        } finally {
            release.countDown();
            nghttp.destroy();
        }
    }

    @Test
    void anEventStreamStillOpenAtTheDeadlineGetsItsLastChunk() throws Exception {
        try (EventStreamUpstream events = EventStreamUpstream.start()) {
            gateway = start(events.url(), "1500ms");
            try (EventStreamClient client = EventStreamClient.open(gateway.uri("/api/events"))) {
                EventStreamUpstream.Feed feed = events.next();
                feed.send("data: 1\n\n");
                assertEquals("data: 1", client.nextLine());
                Thread shutdown = Thread.ofPlatform().start(gateway.gateway()::shutdown);
                assertNull(client.end(), "the stream ends cleanly, with its last chunk");
                assertTrue(feed.closedBeforeEnd(), "its upstream connection is closed");
                shutdown.join(Duration.ofSeconds(10));
                assertFalse(shutdown.isAlive());
            }
        }
    }

    @Test
    void aRequestStillWaitingAtTheDeadlineIsCutOff() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        upstream = RawUpstream.start(request -> new RawUpstream.Reply(new byte[0], false, (socket, in, out) -> {
            held.countDown();
            in.transferTo(java.io.OutputStream.nullOutputStream()); // never answers
        }));
        gateway = start(upstream.url(), "500ms");
        try (RawClient client = RawClient.connect(gateway.gateway().port())) {
            client.send("GET /api/stuck HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(held.await(10, TimeUnit.SECONDS));
            Thread shutdown = Thread.ofPlatform().start(gateway.gateway()::shutdown);
            assertTrue(client.closedByPeer(), "closed at the deadline");
            shutdown.join(Duration.ofSeconds(10));
            assertFalse(shutdown.isAlive(), "the gateway stopped at the deadline");
        }
        poll("the upstream connection is closed", () -> upstream.open() == 0);
    }

    private int status(String path) {
        try {
            return gateway.admin(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static boolean refused(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static void poll(String what, BooleanSupplier condition) throws InterruptedException {
        poll(what, 10, condition);
    }

    static void poll(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
