package io.gatehouse.plugins.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.rpc.ErrorInfo;
import io.gatehouse.plugins.grpc.test.Book;
import io.gatehouse.plugins.grpc.test.ChatMessage;
import io.gatehouse.plugins.grpc.test.CountReply;
import io.gatehouse.plugins.grpc.test.CountRequest;
import io.gatehouse.plugins.grpc.test.EchoGrpc;
import io.gatehouse.plugins.grpc.test.FailRequest;
import io.gatehouse.plugins.grpc.test.GetBookRequest;
import io.gatehouse.plugins.grpc.test.MetadataReply;
import io.gatehouse.plugins.grpc.test.Number;
import io.gatehouse.plugins.grpc.test.PlainGrpc;
import io.gatehouse.plugins.grpc.test.SayReply;
import io.gatehouse.plugins.grpc.test.SayRequest;
import io.gatehouse.plugins.grpc.test.SearchReply;
import io.gatehouse.plugins.grpc.test.SearchRequest;
import io.gatehouse.plugins.grpc.test.SlowRequest;
import io.gatehouse.plugins.grpc.test.Thing;
import io.gatehouse.plugins.grpc.test.Total;
import io.gatehouse.plugins.grpc.test.UpdateBookRequest;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real grpc-java server on a free loopback port serving {@code gatehouse.test.Echo} and {@code gatehouse.test.Plain}
 * (src/test/proto/gatehouse/test/echo.proto), with server reflection on or off. It records what it received: every
 * request message and the metadata of every call, so a test can check what reached the upstream, not only what the
 * client got.
 */
final class EchoServer implements AutoCloseable {

    static final Context.Key<Metadata> HEADERS = Context.key("headers");

    private final Server server;
    private final String name;
    /** Every request message received, in order. */
    final List<Object> received = new CopyOnWriteArrayList<>();
    /** The metadata of every call, in order. */
    final List<Metadata> metadata = new CopyOnWriteArrayList<>();
    /** Calls started. */
    final AtomicInteger calls = new AtomicInteger();
    /** Calls the client cancelled (the gateway giving up counts). */
    final AtomicInteger cancelled = new AtomicInteger();
    /** HTTP/2 connections made to this server, and those of them that ended. */
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger connectionsClosed = new AtomicInteger();

    private EchoServer(String name, boolean reflection) throws IOException {
        this(name, reflection, 0);
    }

    private EchoServer(String name, boolean reflection, int port) throws IOException {
        this(name, reflection ? ProtoReflectionServiceV1.newInstance() : null, port);
    }

    private EchoServer(String name, io.grpc.BindableService reflection, int port) throws IOException {
        this.name = name;
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attributes) {
                        connections.incrementAndGet();
                        return attributes;
                    }

                    @Override
                    public void transportTerminated(Attributes attributes) {
                        connectionsClosed.incrementAndGet();
                    }
                })
                .addService(ServerInterceptors.intercept(new Echo(), new Recorder()))
                .addService(ServerInterceptors.intercept(new Plain(), new Recorder()));
        if (reflection != null) {
            builder.addService(reflection);
        }
        this.server = builder.build().start();
    }

    /** Starts a server with reflection. */
    static EchoServer start(String name) throws IOException {
        return new EchoServer(name, true);
    }

    /** Starts a server with reflection on a given port (one a test reserved, to start the server late). */
    static EchoServer start(String name, int port) throws IOException {
        return new EchoServer(name, true, port);
    }

    /** Starts a server with only the older reflection service, {@code grpc.reflection.v1alpha}. */
    @SuppressWarnings("deprecation")
    static EchoServer withReflectionV1Alpha(String name) throws IOException {
        return new EchoServer(name, io.grpc.protobuf.services.ProtoReflectionService.newInstance(), 0);
    }

    /** Starts a server without reflection. */
    static EchoServer withoutReflection(String name) throws IOException {
        return new EchoServer(name, false);
    }

    int port() {
        return server.getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Records the metadata, puts it in the Context, and adds x-echo-header / x-echo-trailer to every answer. */
    private final class Recorder implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                           ServerCallHandler<Q, A> next) {
            calls.incrementAndGet();
            metadata.add(headers);
            ServerCall<Q, A> decorated = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendHeaders(Metadata responseHeaders) {
                    responseHeaders.put(Metadata.Key.of("x-echo-header", Metadata.ASCII_STRING_MARSHALLER), "h");
                    super.sendHeaders(responseHeaders);
                }

                @Override
                public void close(Status status, Metadata trailers) {
                    trailers.put(Metadata.Key.of("x-echo-trailer", Metadata.ASCII_STRING_MARSHALLER), "t");
                    super.close(status, trailers);
                }
            };
            Context context = Context.current().withValue(HEADERS, headers);
            // grpc-java cancels a call's context when it ends, with no cause when it ended normally
            context.addListener(c -> {
                if (c.isCancelled() && c.cancellationCause() != null) {
                    cancelled.incrementAndGet();
                }
            }, Runnable::run);
            return Contexts.interceptCall(context, decorated, headers, next);
        }
    }

    private final class Echo extends EchoGrpc.EchoImplBase {
        @Override
        public void say(SayRequest request, StreamObserver<SayReply> out) {
            received.add(request);
            int times = Math.max(1, request.getTimes());
            out.onNext(SayReply.newBuilder().setMessage(("hello " + request.getName() + " ").repeat(times).trim())
                    .setServer(name).build());
            out.onCompleted();
        }

        @Override
        public void count(CountRequest request, StreamObserver<CountReply> out) {
            received.add(request);
            try {
                for (int i = 1; i <= request.getCount(); i++) {
                    if (i > 1 && request.getIntervalMs() > 0) {
                        Thread.sleep(request.getIntervalMs());
                    }
                    if (Context.current().isCancelled()) {
                        return;
                    }
                    out.onNext(CountReply.newBuilder().setN(i).build());
                }
                out.onCompleted();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public StreamObserver<Number> sum(StreamObserver<Total> out) {
            return new StreamObserver<>() {
                long sum;
                int count;

                @Override
                public void onNext(Number value) {
                    received.add(value);
                    sum += value.getValue();
                    count++;
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onNext(Total.newBuilder().setSum(sum).setCount(count).build());
                    out.onCompleted();
                }
            };
        }

        @Override
        public StreamObserver<ChatMessage> chat(StreamObserver<ChatMessage> out) {
            return new StreamObserver<>() {
                int seq;

                @Override
                public void onNext(ChatMessage value) {
                    received.add(value);
                    out.onNext(ChatMessage.newBuilder().setText("echo: " + value.getText()).setSeq(++seq).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }

        @Override
        public void fail(FailRequest request, StreamObserver<SayReply> out) {
            received.add(request);
            if (request.getCode() == 0) {
                out.onNext(SayReply.newBuilder().setMessage("ok").setServer(name).build());
                out.onCompleted();
                return;
            }
            com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                    .setCode(request.getCode())
                    .setMessage(request.getMessage())
                    .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("TEST_REASON").setDomain("gatehouse.test")
                            .putMetadata("code", Integer.toString(request.getCode())).build()))
                    .build();
            out.onError(StatusProto.toStatusRuntimeException(status));
        }

        @Override
        public void slow(SlowRequest request, StreamObserver<SayReply> out) {
            received.add(request);
            try {
                Thread.sleep(request.getDelayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (Context.current().isCancelled()) {
                return;
            }
            out.onNext(SayReply.newBuilder().setMessage("slept " + request.getDelayMs()).setServer(name).build());
            out.onCompleted();
        }

        @Override
        public void metadata(Empty request, StreamObserver<MetadataReply> out) {
            received.add(request);
            Metadata headers = HEADERS.get();
            Map<String, String> seen = new TreeMap<>();
            for (String key : headers.keys()) {
                if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                    Iterable<String> values = headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                    seen.put(key, String.join(",", values));
                }
            }
            out.onNext(MetadataReply.newBuilder().putAllReceived(seen).build());
            out.onCompleted();
        }

        @Override
        public void updateBook(UpdateBookRequest request, StreamObserver<Book> out) {
            received.add(request);
            out.onNext(request.getBook());
            out.onCompleted();
        }

        @Override
        public void getBookTitle(GetBookRequest request, StreamObserver<Book> out) {
            received.add(request);
            out.onNext(Book.newBuilder().setName(request.getName()).setTitle("Title of " + request.getName())
                    .build());
            out.onCompleted();
        }

        @Override
        public void searchBooks(SearchRequest request, StreamObserver<SearchReply> out) {
            received.add(request);
            out.onNext(SearchReply.newBuilder().setShelf(request.getShelf()).setQuery(request.getQuery())
                    .addAllAuthors(request.getAuthorsList()).setPageSize(request.getPage().getSize())
                    .setPageToken(request.getPage().getToken()).build());
            out.onCompleted();
        }
    }

    private final class Plain extends PlainGrpc.PlainImplBase {
        @Override
        public void echo(SayRequest request, StreamObserver<SayReply> out) {
            received.add(request);
            out.onNext(SayReply.newBuilder().setMessage("plain " + request.getName()).setServer(name).build());
            out.onCompleted();
        }

        @Override
        public void things(Thing request, StreamObserver<Thing> out) {
            received.add(request);
            out.onNext(request);
            out.onCompleted();
        }
    }
}
