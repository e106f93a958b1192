package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import io.grpc.Channel;

import java.time.Duration;
import java.util.List;

/** HTTP/JSON requests transcoded to calls of the schema's methods. (Skeleton: being written.) */
final class Transcoder implements AutoCloseable {

    Transcoder(GrpcTransportFactory.Config config, PluginContext context, Channels channels) throws Exception {
    }

    Response send(Exchange exchange, Channel channel, Duration timeout) {
        throw new GatewayException(501, "not_implemented", "JSON transcoding is not written yet");
    }

    void endpoints(List<Endpoint> endpoints) {
    }

    void reloaded() {
    }

    @Override
    public void close() {
    }
}
