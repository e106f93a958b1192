package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.core.testing.RawUpstream;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle connections are closed once idle too long, wherever they sit in the pool, and an endpoint the pool was told
 * is gone gets no idle queue again. Connections are counted at the upstream: what it still sees open.
 */
class ConnectionPoolTest {

    private static final Duration MAX_IDLE = Duration.ofMillis(500);

    private RawUpstream upstream;
    private Endpoint endpoint;
    private ConnectionPool pool;

    @BeforeEach
    void start() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("unused"));
        endpoint = Endpoint.of(upstream.url());
        pool = new ConnectionPool(SocketOptions.builder().build(), 16, MAX_IDLE);
    }

    @AfterEach
    void stop() {
        pool.close();
        upstream.close();
    }

    @Test
    void idleConnectionsBehindOneInSteadyUseAreClosed() throws Exception {
        UpstreamConnection a = pool.acquire(endpoint, false);
        UpstreamConnection b = pool.acquire(endpoint, false);
        UpstreamConnection c = pool.acquire(endpoint, false);
        a.release();
        b.release();
        c.release();
        awaitOpen(n -> n == 3);

        // one request at a time from now on: the most recently used connection, always fresh, serves them all
        AtomicBoolean running = new AtomicBoolean(true);
        Thread traffic = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                UpstreamConnection used = pool.acquire(endpoint, false);
                used.release();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            awaitOpen(n -> n == 1);
        } finally {
            running.set(false);
            traffic.join();
        }
        assertTrue(pool.acquire(endpoint, false).reused(), "the one in use is kept");
    }

    @Test
    void aQuietPoolClosesItsIdleConnections() throws Exception {
        UpstreamConnection a = pool.acquire(endpoint, false);
        UpstreamConnection b = pool.acquire(endpoint, false);
        a.release();
        b.release();

        awaitOpen(n -> n == 0);
    }

    @Test
    void anEndpointThatIsGoneIsNotPooledAgain() throws Exception {
        UpstreamConnection before = pool.acquire(endpoint, false);
        pool.retain(Set.of("http://127.0.0.1:1"));

        // a request that chose the endpoint before it went away still gets a connection, used once
        UpstreamConnection late = pool.acquire(endpoint, false);
        late.release();
        before.release();

        awaitOpen(n -> n == 0);
        UpstreamConnection next = pool.acquire(endpoint, false);
        assertNotSame(late, next);
        // the upstream counts a connection when its accept loop takes it, which may trail the connect
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (upstream.connections() < 3 && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertEquals(3, upstream.connections(), "nothing was reused");
        next.close();
    }

    /**
     * Retiring the last generation that uses an upstream closes its pool: its idle connections close, one still
     * carrying a response (an event stream that outlived the generation's drain) keeps working and closes when it
     * is released, never pooled again.
     */
    @Test
    void closingThePoolLeavesABorrowedConnectionWorkingUntilItIsReleased() throws Exception {
        UpstreamConnection streaming = pool.acquire(endpoint, false);
        UpstreamConnection idle = pool.acquire(endpoint, false);
        idle.release();
        awaitOpen(n -> n == 2);

        pool.close();
        awaitOpen(n -> n == 1);
        streaming.writer().writeNow(BufferData.create("GET /still HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)));
        StringBuilder response = new StringBuilder();
        while (!response.toString().endsWith("unused")) { // a closed connection fails here
            streaming.reader().ensureAvailable();
            response.append(streaming.reader().readAsciiString(streaming.reader().available()));
        }
        assertEquals("GET /still HTTP/1.1", upstream.received().getLast().requestLine());

        streaming.release();
        awaitOpen(n -> n == 0);
    }

    /** Waits (at most 10 s) until the number of connections the upstream sees open passes {@code test}. */
    private void awaitOpen(IntPredicate test) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!test.test(upstream.open()) && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertTrue(test.test(upstream.open()), "open connections at the upstream: " + upstream.open());
    }
}
