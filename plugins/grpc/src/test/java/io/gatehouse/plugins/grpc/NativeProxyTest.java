package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Completion;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.plugins.grpc.test.CountRequest;
import io.gatehouse.plugins.grpc.test.FailRequest;
import io.gatehouse.plugins.grpc.test.SayRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy on its own, against a real grpc-java server on loopback: what the core is handed back. */
class NativeProxyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final NativeProxy proxy = new NativeProxy(new GrpcTransportFactory.Config(null, false, null, null, null,
            null, null, null));
    private EchoServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = EchoServer.start("a");
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.close();
    }

    private static TestExchange call(String method, byte[] body) {
        return TestExchange.builder().method("POST").path("/gatehouse.test.Echo/" + method)
                .header("Content-Type", "application/grpc").body(body).build();
    }

    private static byte[] frame(com.google.protobuf.Message message) {
        return GrpcFrames.frame(0, message.toByteArray());
    }

    @Test
    void anEndpointThatRefusesIsUnavailableAndCountedAgainstIt() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ManagedChannel down = NettyChannelBuilder.forAddress("127.0.0.1", closed).usePlaintext().directExecutor()
                .build();
        try {
            TestExchange exchange = call("Say", frame(SayRequest.newBuilder().setName("x").build()));
            Response response = proxy.send(exchange, down, TIMEOUT, Wire.GRPC);
            assertEquals(200, response.status());
            assertEquals("14", response.trailers().first("grpc-status").orElseThrow());
            assertEquals("the upstream is unavailable", response.trailers().first("grpc-message").orElseThrow());
            assertTrue(Outcomes.unavailable(exchange));
        } finally {
            down.shutdownNow();
        }
    }

    @Test
    void theServersOwnUnavailableCountsAndOtherStatusesDoNot() throws Exception {
        TestExchange unavailable = call("Fail", frame(FailRequest.newBuilder().setCode(14).setMessage("busy").build()));
        Response response = proxy.send(unavailable, channel, TIMEOUT, Wire.GRPC);
        assertEquals("14", response.trailers().first("grpc-status").orElseThrow());
        assertEquals("busy", response.trailers().first("grpc-message").orElseThrow());
        assertTrue(Outcomes.unavailable(unavailable));

        TestExchange notFound = call("Fail", frame(FailRequest.newBuilder().setCode(5).setMessage("gone").build()));
        assertEquals("5", proxy.send(notFound, channel, TIMEOUT, Wire.GRPC).trailers().first("grpc-status")
                .orElseThrow());
        assertFalse(Outcomes.unavailable(notFound));
    }

    @Test
    void aStreamedAnswerEndsWithItsTrailersAfterTheLastMessage() throws Exception {
        TestExchange exchange = call("Count", frame(CountRequest.newBuilder().setCount(2).build()));
        Response response = proxy.send(exchange, channel, TIMEOUT, Wire.GRPC);
        assertEquals("application/grpc", response.headers().first("Content-Type").orElseThrow());
        assertEquals("h", response.headers().first("x-echo-header").orElseThrow());
        assertFalse(response.hasTrailers(), "trailers before the body ended");
        try (InputStream body = response.body().stream()) {
            assertEquals(2 * 7, body.readAllBytes().length); // two frames of a 2-byte message
        }
        assertEquals("0", response.trailers().first("grpc-status").orElseThrow());
        assertEquals("t", response.trailers().first("x-echo-trailer").orElseThrow());
    }

    @Test
    void aBodyClosedBeforeItsEndOrAnExchangeEndedCancelsTheCall() throws Exception {
        TestExchange exchange = call("Count", frame(CountRequest.newBuilder().setCount(10_000).setIntervalMs(10)
                .build()));
        Response response = proxy.send(exchange, channel, TIMEOUT, Wire.GRPC);
        response.body().stream().read();
        response.body().close();
        ProxyFixture.await("the server sees the call cancelled", () -> server.cancelled.get() == 1);

        // a body dropped unread (a filter replaced the response) cancels its call too
        TestExchange dropped = call("Count", frame(CountRequest.newBuilder().setCount(10_000).setIntervalMs(10)
                .build()));
        Response unread = proxy.send(dropped, channel, TIMEOUT, Wire.GRPC);
        unread.body().close();
        ProxyFixture.await("the server sees the call cancelled", () -> server.cancelled.get() == 2);

        // and so does the exchange's end, when nobody closed the body
        TestExchange ended = call("Count", frame(CountRequest.newBuilder().setCount(10_000).setIntervalMs(10)
                .build()));
        proxy.send(ended, channel, TIMEOUT, Wire.GRPC);
        ended.complete(new Completion(200, 0, Duration.ZERO, Completion.Outcome.CLIENT_ABORTED, Optional.empty()));
        ProxyFixture.await("the server sees the call cancelled", () -> server.cancelled.get() == 3);
    }

    @Test
    void onlyPostsToMethodPathsAreCalls() throws Exception {
        TestExchange get = TestExchange.builder().method("GET").path("/gatehouse.test.Echo/Say")
                .header("Content-Type", "application/grpc").build();
        assertEquals(405, assertThrows(GatewayException.class, () -> proxy.send(get, channel, TIMEOUT, Wire.GRPC))
                .status());
        TestExchange noMethod = TestExchange.builder().method("POST").path("/gatehouse.test.Echo")
                .header("Content-Type", "application/grpc").build();
        assertEquals("12", proxy.send(noMethod, channel, TIMEOUT, Wire.GRPC).trailers().first("grpc-status")
                .orElseThrow());
        assertEquals(0, server.calls.get());
    }
}
