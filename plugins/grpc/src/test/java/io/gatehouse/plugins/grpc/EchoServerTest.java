package io.gatehouse.plugins.grpc;

import io.gatehouse.plugins.grpc.test.EchoGrpc;
import io.gatehouse.plugins.grpc.test.SayRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The test server answers a grpc-java client directly (what the gateway's figures are compared with). */
class EchoServerTest {

    @Test
    void answersDirectly() throws Exception {
        try (EchoServer server = EchoServer.start("a")) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                var reply = EchoGrpc.newBlockingStub(channel).say(SayRequest.newBuilder().setName("ann").build());
                assertEquals("hello ann", reply.getMessage());
                assertEquals("a", reply.getServer());
                assertEquals(1, server.received.size());
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
