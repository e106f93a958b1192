package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Exchange;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;
import io.grpc.Channel;

import java.time.Duration;

/** gRPC and gRPC-Web clients' calls, proxied message by message. (Skeleton: being written.) */
final class NativeProxy {

    NativeProxy(GrpcTransportFactory.Config config) {
    }

    Response send(Exchange exchange, Channel channel, Duration timeout, Wire wire) {
        throw new GatewayException(501, "not_implemented", "gRPC proxying is not written yet");
    }
}
