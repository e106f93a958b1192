package io.gatehouse.bench.grpc;

import io.gatehouse.bench.grpc.proto.EchoGrpc;
import io.gatehouse.bench.grpc.proto.Msg;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import java.net.InetSocketAddress;

/**
 * The benchmark's gRPC server: {@code bench.Echo/Echo} answers the message it got, on 127.0.0.1. No server
 * reflection (the gateway takes the schema from the descriptor set), no interceptors. The echo does no blocking
 * work, so it runs on the network threads ({@code directExecutor}) rather than a thread pool.
 *
 * <p>Usage: {@code BenchServer PORT} (0: a free port). Prints {@code listening on PORT} once it accepts calls and
 * runs until killed.
 */
public final class BenchServer {

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: BenchServer PORT");
            System.exit(2);
        }
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])))
                .directExecutor()
                .addService(new EchoService())
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        System.out.println("listening on " + server.getPort());
        System.out.flush();
        server.awaitTermination();
    }

    private static final class EchoService extends EchoGrpc.EchoImplBase {
        @Override
        public void echo(Msg request, StreamObserver<Msg> reply) {
            reply.onNext(request);
            reply.onCompleted();
        }
    }
}
