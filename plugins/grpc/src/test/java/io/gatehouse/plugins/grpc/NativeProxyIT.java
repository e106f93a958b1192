package io.gatehouse.plugins.grpc;

import com.google.protobuf.Empty;
import com.google.rpc.ErrorInfo;
import io.gatehouse.plugins.grpc.test.ChatMessage;
import io.gatehouse.plugins.grpc.test.CountReply;
import io.gatehouse.plugins.grpc.test.CountRequest;
import io.gatehouse.plugins.grpc.test.EchoGrpc;
import io.gatehouse.plugins.grpc.test.FailRequest;
import io.gatehouse.plugins.grpc.test.MetadataReply;
import io.gatehouse.plugins.grpc.test.Number;
import io.gatehouse.plugins.grpc.test.SayReply;
import io.gatehouse.plugins.grpc.test.SayRequest;
import io.gatehouse.plugins.grpc.test.SlowRequest;
import io.gatehouse.plugins.grpc.test.Total;
import io.grpc.CallOptions;
import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a grpc-java client calls a real grpc-java server through a real gateway running the examples of
 * {@code docs/grpc.md} with the packaged plugin; every call is checked on both sides.
 */
class NativeProxyIT extends ProxyTest {

    private static EchoGrpc.EchoBlockingStub blocking(ProxyFixture proxy) {
        return EchoGrpc.newBlockingStub(proxy.channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Test
    void unaryAndServerStreamingCallsPassThrough() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        SayReply reply = blocking(proxy).say(SayRequest.newBuilder().setName("ann").setTimes(2).build());
        assertEquals("hello ann hello ann", reply.getMessage());
        assertEquals(List.of(SayRequest.newBuilder().setName("ann").setTimes(2).build()), proxy.server.received);

        Iterator<CountReply> replies = blocking(proxy).count(CountRequest.newBuilder().setCount(3).build());
        List<Integer> seen = new ArrayList<>();
        replies.forEachRemaining(r -> seen.add(r.getN()));
        assertEquals(List.of(1, 2, 3), seen);
    }

    @Test
    void largeMessagesPassWholeBothWays() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        String name = "x".repeat(1024 * 1024);
        SayReply reply = blocking(proxy).say(SayRequest.newBuilder().setName(name).setTimes(3).build());
        assertEquals(("hello " + name + " ").repeat(3).trim(), reply.getMessage());
    }

    @Test
    void aRewriteMovesACallToAnotherMethodsPath() throws Exception {
        ProxyFixture proxy = proxy("grpc-native", "match: { path: /gatehouse.test.Echo/:method }",
                "match: { path: /legacy.Greeter/:method }\n    rewrite: /gatehouse.test.Echo/:method");
        SayReply reply = ClientCalls.blockingUnaryCall(proxy.channel, EchoGrpc.getSayMethod().toBuilder()
                        .setFullMethodName("legacy.Greeter/Say").build(),
                CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                SayRequest.newBuilder().setName("old").build());
        assertEquals("hello old", reply.getMessage());
    }

    @Test
    void clientStreamingSumsEveryMessage() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        AtomicReference<Total> total = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Number> numbers = EchoGrpc.newStub(proxy.channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .sum(observer(total::set, done));
        for (long n = 1; n <= 100; n++) {
            numbers.onNext(Number.newBuilder().setValue(n).build());
        }
        numbers.onCompleted();
        done.get(20, TimeUnit.SECONDS);
        Total result = total.get();
        assertEquals(5050, result.getSum());
        assertEquals(100, result.getCount());
        assertEquals(100, proxy.server.received.size());
    }

    @Test
    void bidirectionalStreamingInterleavesBothWays() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        BlockingQueue<ChatMessage> answers = new LinkedBlockingQueue<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ChatMessage> chat = EchoGrpc.newStub(proxy.channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .chat(observer(answers::add, done));
        chat.onNext(ChatMessage.newBuilder().setText("one").build());
        // the answer to the first message arrives while the request stream is still open
        ChatMessage first = answers.poll(20, TimeUnit.SECONDS);
        assertNotNull(first, "no answer to the first message before the second was sent");
        assertEquals("echo: one", first.getText());
        assertEquals(1, first.getSeq());
        chat.onNext(ChatMessage.newBuilder().setText("two").build());
        ChatMessage second = answers.poll(20, TimeUnit.SECONDS);
        assertNotNull(second);
        assertEquals("echo: two", second.getText());
        assertEquals(2, second.getSeq());
        assertFalse(done.isDone());
        chat.onCompleted();
        done.get(20, TimeUnit.SECONDS);
        assertEquals(2, proxy.server.received.size());
    }

    @Test
    void aClientStreamLongerThanMaxBodySizeIsNotCutOff() throws Exception {
        // max_body_size bounds request bodies, not gRPC streams: max_message_size bounds each message
        ProxyFixture proxy = proxy("grpc-native", "upstreams:",
                "server: { host: 127.0.0.1, port: 0, limits: { max_body_size: 1KiB } }\nupstreams:");
        AtomicReference<Total> total = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Number> numbers = EchoGrpc.newStub(proxy.channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .sum(observer(total::set, done));
        for (long n = 1; n <= 1000; n++) {
            numbers.onNext(Number.newBuilder().setValue(n).build());
        }
        numbers.onCompleted();
        done.get(20, TimeUnit.SECONDS);
        assertEquals(500500, total.get().getSum());
        assertEquals(1000, proxy.server.received.size());
    }

    @Test
    void metadataReachesTheServerAndHeadersAndTrailersComeBack() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        Metadata sent = new Metadata();
        sent.put(Metadata.Key.of("x-client-meta", Metadata.ASCII_STRING_MARSHALLER), "v1");
        sent.put(Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER), "6.6.6.6");
        sent.put(Metadata.Key.of("x-blob-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[]{0, 1, (byte) 0xFF});
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        EchoGrpc.EchoBlockingStub stub = blocking(proxy).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(sent),
                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
        MetadataReply reply = stub.metadata(Empty.getDefaultInstance());
        assertEquals("v1", reply.getReceivedMap().get("x-client-meta"));
        assertEquals("127.0.0.1", reply.getReceivedMap().get("x-forwarded-for"), "the client's claim is replaced");
        assertTrue(reply.getReceivedMap().containsKey("traceparent"), reply.getReceivedMap().toString());
        Metadata atServer = proxy.server.metadata.getLast();
        assertEquals(List.of(0, 1, 255), bytes(atServer.get(Metadata.Key.of("x-blob-bin",
                Metadata.BINARY_BYTE_MARSHALLER))));
        assertEquals("h", headers.get().get(Metadata.Key.of("x-echo-header", Metadata.ASCII_STRING_MARSHALLER)));
        assertEquals("t", trailers.get().get(Metadata.Key.of("x-echo-trailer", Metadata.ASCII_STRING_MARSHALLER)));
    }

    private static List<Integer> bytes(byte[] bytes) {
        List<Integer> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b & 0xFF);
        }
        return list;
    }

    @Test
    void errorStatusesArriveWithMessageAndDetails() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        for (Status.Code code : List.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
                Status.Code.PERMISSION_DENIED, Status.Code.FAILED_PRECONDITION, Status.Code.INTERNAL)) {
            String message = "no luck with " + code + ": 100% ü";
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> blocking(proxy).fail(
                    FailRequest.newBuilder().setCode(code.value()).setMessage(message).build()));
            assertEquals(code, e.getStatus().getCode());
            assertEquals(message, e.getStatus().getDescription());
            com.google.rpc.Status details = StatusProto.fromThrowable(e);
            assertNotNull(details, "no google.rpc.Status details for " + code);
            assertEquals(code.value(), details.getCode());
            ErrorInfo info = details.getDetails(0).unpack(ErrorInfo.class);
            assertEquals("TEST_REASON", info.getReason());
            assertEquals(Integer.toString(code.value()), info.getMetadataMap().get("code"));
        }
        assertEquals(5, proxy.server.received.size());
    }

    @Test
    void theClientsDeadlineEndsTheCallAndTheServerSeesTheCancellation() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        EchoGrpc.newBlockingStub(proxy.channel).say(SayRequest.newBuilder().setName("warm").build());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> EchoGrpc.newBlockingStub(
                proxy.channel).withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                .slow(SlowRequest.newBuilder().setDelayMs(10_000).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        ProxyFixture.await("the server sees the call cancelled", () -> proxy.server.cancelled.get() == 1);
    }

    @Test
    void theRouteTimeoutIsTheDeadlineWhenTheClientSetsNone() throws Exception {
        ProxyFixture proxy = proxy("grpc-native", "timeout: 30s", "timeout: 300ms");
        // connected first: on a busy machine the first connection alone could take the 300 ms, and the slow call
        // would then never reach the server
        EchoGrpc.newBlockingStub(proxy.channel).say(SayRequest.newBuilder().setName("warm").build());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> EchoGrpc.newBlockingStub(
                proxy.channel).slow(SlowRequest.newBuilder().setDelayMs(10_000).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        assertFalse(e.getStatus().getDescription().contains("127.0.0.1"), e.getStatus().getDescription());
        ProxyFixture.await("the server sees the call cancelled", () -> proxy.server.cancelled.get() == 1);
    }

    @Test
    void aClientCancellingMidStreamCancelsTheServersCall() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        CompletableFuture<ClientCallStreamObserver<CountRequest>> call = new CompletableFuture<>();
        BlockingQueue<CountReply> replies = new LinkedBlockingQueue<>();
        EchoGrpc.newStub(proxy.channel).count(CountRequest.newBuilder().setCount(10_000).setIntervalMs(20).build(),
                new ClientResponseObserver<CountRequest, CountReply>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<CountRequest> requestStream) {
                        call.complete(requestStream);
                    }

                    @Override
                    public void onNext(CountReply value) {
                        replies.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        assertNotNull(replies.poll(20, TimeUnit.SECONDS), "the stream started");
        call.get().cancel("the test is done", null);
        ProxyFixture.await("the server sees the call cancelled", () -> proxy.server.cancelled.get() == 1);
    }

    @Test
    void aClientCancellingWhileItStillStreamsCancelsTheServersCall() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        BlockingQueue<ChatMessage> answers = new LinkedBlockingQueue<>();
        ClientCallStreamObserver<ChatMessage> chat = (ClientCallStreamObserver<ChatMessage>) EchoGrpc
                .newStub(proxy.channel).chat(observer(answers::add, new CompletableFuture<>()));
        chat.onNext(ChatMessage.newBuilder().setText("one").build());
        assertNotNull(answers.poll(20, TimeUnit.SECONDS), "the call started");
        chat.cancel("the test is done", null);
        ProxyFixture.await("the server sees the call cancelled", () -> proxy.server.cancelled.get() == 1);
        assertEquals(1, proxy.server.received.size());
    }

    @Test
    void aBackendThatIsDownIsUnavailable() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ProxyFixture proxy = proxy("grpc-native", Map.of(), "http://127.0.0.1:" + closed);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> blocking(proxy).say(SayRequest.newBuilder().setName("x").build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertFalse(e.getStatus().getDescription().contains(Integer.toString(closed)),
                "no internal address: " + e.getStatus().getDescription());
    }

    @Test
    void aMessageOverTheLimitIsResourceExhaustedAndNeverReachesTheServer() throws Exception {
        ProxyFixture proxy = proxy("grpc-native", "reflection: false", "reflection: false, max_message_size: 1024");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> blocking(proxy).say(SayRequest.newBuilder().setName("x".repeat(2000)).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals("hello small", blocking(proxy).say(SayRequest.newBuilder().setName("small").build())
                .getMessage());
        assertEquals(List.of(SayRequest.newBuilder().setName("small").build()), proxy.server.received);
    }

    @Test
    void compressedMessagesAreDecompressedAndAnUnknownEncodingIsRefused() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        SayReply gzipped = blocking(proxy).withCompression("gzip").say(SayRequest.newBuilder().setName("zip").build());
        assertEquals("hello zip", gzipped.getMessage());

        // a codec the gateway does not know: grpc-encoding: snappy, the compressed flag set
        ManagedChannel snappy = NettyChannelBuilder.forAddress("127.0.0.1", proxy.gateway.gateway().port())
                .usePlaintext().compressorRegistry(registryWith(new FakeSnappy())).build();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> EchoGrpc.newBlockingStub(
                    snappy).withCompression("snappy").withDeadlineAfter(20, TimeUnit.SECONDS)
                    .say(SayRequest.newBuilder().setName("s").build()));
            assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        } finally {
            snappy.shutdownNow();
        }
        assertEquals(List.of(SayRequest.newBuilder().setName("zip").build()), proxy.server.received);
        assertEquals(1, proxy.server.calls.get(), "the refused call never reached the server");
    }

    private static CompressorRegistry registryWith(Codec codec) {
        CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
        registry.register(codec);
        return registry;
    }

    /** A "compression" that changes nothing, under a name the gateway does not know. */
    private static final class FakeSnappy implements Codec {
        @Override
        public String getMessageEncoding() {
            return "snappy";
        }

        @Override
        public OutputStream compress(OutputStream os) {
            return os;
        }

        @Override
        public InputStream decompress(InputStream is) {
            return is;
        }
    }

    @Test
    void aRouteWithJwtRefusesACallWithoutATokenAndPassesTheConsumerOn() throws Exception {
        String secret = "a-test-secret-of-at-least-32-bytes-0123456789";
        ProxyFixture proxy = proxy("grpc-jwt", Map.of("JWT_SECRET", secret), null);
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> blocking(proxy).say(SayRequest.newBuilder().setName("x").build()));
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
        // the gateway's own gRPC answer (grpc-status in trailers), not grpc-java's reading of an HTTP 401
        assertFalse(refused.getStatus().getDescription().startsWith("HTTP status code"),
                refused.getStatus().getDescription());
        Metadata bad = new Metadata();
        bad.put(AUTHORIZATION, "Bearer " + TestJwt.hs256("a-different-secret-of-32-bytes-or-more-000", "alice"));
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () -> blocking(proxy)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bad))
                .say(SayRequest.newBuilder().setName("x").build())).getStatus().getCode());
        assertEquals(0, proxy.server.calls.get(), "a refused call reached the server");

        Metadata good = new Metadata();
        good.put(AUTHORIZATION, "Bearer " + TestJwt.hs256(secret, "alice"));
        SayReply reply = blocking(proxy).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(good))
                .say(SayRequest.newBuilder().setName("alice").build());
        assertEquals("hello alice", reply.getMessage());
        Metadata atServer = proxy.server.metadata.getLast();
        assertEquals("alice", atServer.get(Metadata.Key.of("x-consumer-id", Metadata.ASCII_STRING_MARSHALLER)));
        assertFalse(atServer.containsKey(AUTHORIZATION), "the token is removed before the upstream");
    }

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** Hands each message to {@code onNext}; completes {@code done} at the end of the stream. */
    private static <T> StreamObserver<T> observer(Consumer<T> onNext, CompletableFuture<Void> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                onNext.accept(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
    }
}
