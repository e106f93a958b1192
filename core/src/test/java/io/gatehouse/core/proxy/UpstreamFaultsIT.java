package io.gatehouse.core.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import io.gatehouse.core.testing.plugins.CountingBalancerFactory;
import io.gatehouse.core.testing.plugins.FaultPlugins;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.stream.Stream;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream that breaks its response: before the first byte reached the client, the client gets a 502 problem in
 * the gateway's own words; after it, the client's connection is broken off, so the response never looks complete.
 * Never a 500. Either way the balancer hears that the request completed and failed, its in-flight count goes back to
 * zero, and the gateway logs at most one line, without a stack trace: the endpoint and the exception's text are for
 * the log, the client's problem detail says what happened in the gateway's own words.
 */
class UpstreamFaultsIT {

    private static final String OK = "HTTP/1.1 200 OK\r\n";
    private static final int LARGE = 1_000_000;
    private static final String LARGE_PART = OK + "Content-Length: " + LARGE + "\r\n\r\n" + "x".repeat(100_000);

    /** What the client sees. */
    enum Seen { BAD_GATEWAY, BROKEN_OFF }

    /**
     * @param desc  the fault
     * @param reply what the upstream does
     * @param seen  what the client must see
     * @param code  the problem code of a 502
     */
    record Fault(String desc, RawUpstream.Reply reply, Seen seen, String code) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static final List<Fault> FAULTS = List.of(
            new Fault("garbage-head", RawUpstream.Reply.of(OK + "Bad Header: x\r\nContent-Length: 2\r\n\r\nok"),
                    Seen.BAD_GATEWAY, "upstream_bad_response"),
            new Fault("status-600", RawUpstream.Reply.of("HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nok"),
                    Seen.BAD_GATEWAY, "upstream_bad_response"),
            new Fault("short-small-body", RawUpstream.Reply.thenClose(OK + "Content-Length: 1000\r\n\r\n"
                    + "x".repeat(100)), Seen.BAD_GATEWAY, "upstream_error"),
            new Fault("reset-before-head", RawUpstream.Reply.thenReset(""), Seen.BAD_GATEWAY, "upstream_error"),
            new Fault("short-large-body", RawUpstream.Reply.thenClose(LARGE_PART), Seen.BROKEN_OFF, null),
            new Fault("reset-mid-body", RawUpstream.Reply.thenReset(LARGE_PART), Seen.BROKEN_OFF, null));

    private static final CountDownLatch restOfBody = new CountDownLatch(1);
    private static RawUpstream upstream;
    private static Socket refusing;
    private static int closedPort;
    private static GatewayFixture gateway;
    private static LogCapture gatewayLog;
    private static LogCapture balancerLog;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> {
            String path = request.requestLine().split(" ")[1].substring(1);
            if (path.equals("streaming")) {
                return new RawUpstream.Reply(LARGE_PART.getBytes(StandardCharsets.ISO_8859_1), false,
                        (socket, in, out) -> {
                            restOfBody.await();
                            out.write("y".repeat(LARGE - 100_000).getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                        });
            }
            return FAULTS.stream().filter(f -> f.desc().equals(path)).findFirst().map(Fault::reply)
                    .orElse(RawUpstream.Reply.ok("fine"));
        });
        // bound but not listening: the port stays taken (no one else gets it) and refuses connections
        refusing = new Socket();
        refusing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        closedPort = refusing.getLocalPort();
        gateway = GatewayFixture.start(FaultPlugins.home(), """
                upstreams:
                  raw:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    balancer: { type: counting }
                    retries: 0
                    health: { passive: { consecutive_failures: 1000 } }
                  gone:
                    discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] }
                    health: { passive: { consecutive_failures: 1000 } }
                routes:
                  - { id: gone, match: { path: /gone }, upstream: gone }
                  - { id: all, match: { path: /*rest }, upstream: raw }
                """.formatted(upstream.url(), closedPort));
        gatewayLog = LogCapture.of("io.gatehouse");
        balancerLog = LogCapture.of(CountingBalancerFactory.LOGGER);
    }

    @AfterAll
    static void stop() throws IOException {
        balancerLog.close();
        gatewayLog.close();
        gateway.close();
        upstream.close();
        refusing.close();
    }

    @BeforeEach
    void forgetLogs() {
        gatewayLog.clear();
        balancerLog.clear();
    }

    static Stream<Fault> faults() {
        return FAULTS.stream();
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aBrokenResponseIsA502OrABrokenOffConnectionAndTheBalancerHearsItFailed(Fault fault) throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("GET /" + fault.desc() + " HTTP/1.1\r\nHost: gateway\r\n\r\n");
            RawClient.RawResponse response = client.readCutOff();
            if (fault.seen() == Seen.BAD_GATEWAY) {
                assertEquals(502, response.status(), response.bodyText());
                JsonNode problem = EchoRoutes.JSON.readTree(response.body());
                assertEquals(fault.code(), problem.get("code").asText());
                String detail = problem.get("detail").asText();
                assertTrue(detail.contains("'raw'"), detail);
                assertFalse(detail.contains(String.valueOf(upstream.port())), "no internal address: " + detail);
                assertFalse(detail.contains("Exception"), "no exception text: " + detail);
            } else {
                assertEquals(200, response.status(), "the head had gone out before the body broke");
                assertTrue(response.body().length < LARGE, "never a response that looks complete");
                assertTrue(client.closedByPeer(), "the client's connection is broken off");
            }
        }

        assertEquals(List.of("completed failed=true in_flight=0"), awaitCompletions(1));
        List<LogCapture.Line> logged = gatewayLog.lines().stream()
                .filter(line -> line.level().intValue() >= Level.WARNING.intValue()).toList();
        assertTrue(logged.size() <= 1, "one line at most: " + logged);
        logged.forEach(line -> assertNull(line.thrown(), "no stack trace: " + line));

        RawClient.RawResponse next;
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            next = client.send("GET /fine HTTP/1.1\r\nHost: gateway\r\n\r\n").read();
        }
        assertEquals(200, next.status(), next.bodyText());
        assertEquals("fine", next.bodyText());
        assertEquals("completed failed=false in_flight=0", awaitCompletions(2).getLast(), "and only once");
    }

    @Test
    void aStreamingBodyIsInFlightUntilItEnds() throws Exception {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            client.send("GET /streaming HTTP/1.1\r\nHost: gateway\r\n\r\n");
            String statusLine = new String(client.socket().getInputStream().readNBytes(15),
                    StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 200 OK", statusLine, "the response has started");
            assertEquals(List.of(), balancerLog.lines(), "but the request is not over: its body is still coming");

            restOfBody.countDown();
            byte[] rest = client.socket().getInputStream().readNBytes(LARGE);
            assertTrue(new String(rest, StandardCharsets.ISO_8859_1).endsWith("y".repeat(1000)), "the whole body");
        }
        assertEquals(List.of("completed failed=false in_flight=0"), awaitCompletions(1));
    }

    @Test
    void anOutageIsOneLineASecondAndTheClientIsToldWhatHappenedInTheGatewaysOwnWords() throws Exception {
        int requests = 20;
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = gateway.get("/gone");
            assertEquals(502, response.statusCode());
            assertProblem(response, "upstream_unreachable");
            assertEquals("the upstream 'gone' could not be reached",
                    EchoRoutes.JSON.readTree(response.body()).get("detail").asText());
        }

        List<LogCapture.Line> logged = gatewayLog.containing("'gone'");
        assertFalse(logged.isEmpty(), "the failure is logged");
        assertTrue(logged.size() < requests, "not a line per request: " + logged);
        for (LogCapture.Line line : logged) {
            assertNull(line.thrown(), "no stack trace: " + line);
            assertTrue(line.message().contains("http://127.0.0.1:" + closedPort), "the log names the endpoint: "
                    + line);
            assertTrue(line.message().contains("ConnectException"), "and what the JDK said: " + line);
        }
    }

    /** The balancer's completions, once {@code count} have arrived (within a generous deadline). */
    private static List<String> awaitCompletions(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (balancerLog.lines().size() < count && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        return balancerLog.lines().stream().map(LogCapture.Line::message).toList();
    }
}
