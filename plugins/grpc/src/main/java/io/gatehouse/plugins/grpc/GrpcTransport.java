package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import io.gatehouse.api.Transport;

import java.time.Duration;
import java.util.List;

/**
 * The transport of one upstream: a channel per endpoint, and the three ways a request reaches it (native gRPC,
 * gRPC-Web, HTTP/JSON transcoded), chosen by the request's {@code Content-Type}.
 */
final class GrpcTransport implements Transport {

    /** The route timeout when the core gives none (a transport called by an older core). */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Channels channels;
    private final Transcoder transcoder;
    private final NativeProxy proxy;

    GrpcTransport(GrpcTransportFactory.Config config, PluginContext context) throws Exception {
        this.channels = new Channels(config, context.home());
        this.transcoder = new Transcoder(config, context, channels);
        this.proxy = new NativeProxy(config);
    }

    @Override
    public Response send(Exchange exchange, Endpoint target) throws Exception {
        return send(exchange, target, DEFAULT_TIMEOUT);
    }

    @Override
    public Response send(Exchange exchange, Endpoint target, Duration timeout) throws Exception {
        Wire wire = Wire.of(exchange.request());
        return switch (wire) {
            case GRPC, GRPC_WEB, GRPC_WEB_TEXT -> proxy.send(exchange, channels.channel(target), timeout, wire);
            case JSON -> transcoder.send(exchange, channels.channel(target), timeout);
        };
    }

    /** The endpoint failed when the call ended UNAVAILABLE (refused, reset, or its server said so). */
    @Override
    public boolean failed(Exchange exchange, Response response) {
        return Outcomes.unavailable(exchange);
    }

    @Override
    public void endpoints(List<Endpoint> endpoints) {
        channels.retain(endpoints);
        transcoder.endpoints(endpoints);
    }

    @Override
    public void reloaded() {
        transcoder.reloaded();
    }

    @Override
    public void close() {
        try {
            transcoder.close();
        } finally {
            channels.close();
        }
    }
}
