package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Body;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * gRPC and gRPC-Web clients' calls, proxied message by message with grpc-java, without a schema: the request path
 * {@code /package.Service/Method} names the method, and messages pass as the bytes they are. Streaming both ways,
 * flow control end to end, the client's deadline and cancellation passed on, the upstream's headers, trailers and
 * status passed back: as HTTP/2 trailers to a gRPC client, as a trailer frame in the body to a gRPC-Web one.
 */
final class NativeProxy {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("the upstream's message could not be read").withCause(e)
                        .asRuntimeException();
            }
        }
    };

    private final int maxMessageSize;

    NativeProxy(GrpcTransportFactory.Config config) {
        this.maxMessageSize = config.maxMessageSize();
    }

    /** @return the {@code +codec} of a gRPC or gRPC-Web content type ({@code application/grpc+json}), or null */
    static String codec(String contentType) {
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        int semicolon = type.indexOf(';');
        if (semicolon >= 0) {
            type = type.substring(0, semicolon);
        }
        int plus = type.indexOf('+');
        return plus < 0 ? null : type.substring(plus + 1).trim();
    }

    /**
     * Proxies the exchange's call; returns once the upstream answered with its headers, or ended the call without.
     *
     * @throws GatewayException 405 for a method other than POST
     */
    Response send(Exchange exchange, Channel channel, Duration timeout, Wire wire) {
        Request request = exchange.request();
        if (!request.method().equals("POST")) {
            throw new GatewayException(405, "method_not_allowed", "gRPC calls are POST requests")
                    .header("Allow", "POST");
        }
        String contentType = request.headers().first("Content-Type").orElse("application/grpc");
        ResponseShape shape = new ResponseShape(wire, wire == Wire.GRPC ? "application/grpc" : contentType);
        String method = methodName(request.path());
        if (method == null) {
            return shape.trailersOnly(Status.UNIMPLEMENTED.withDescription("the path " + request.path()
                    + " names no gRPC method (/package.Service/Method)"));
        }
        String codec = codec(contentType);
        if (codec != null && !codec.equals("proto")) {
            // grpc-java sends every call as application/grpc: a +json call's messages would reach the upstream
            // labelled as protobuf
            return shape.trailersOnly(Status.UNIMPLEMENTED.withDescription("the message codec '" + codec
                    + "' is not proxied: only protobuf (application/grpc, application/grpc+proto)"));
        }
        String encoding = request.headers().first("grpc-encoding").orElse(null);
        if (!GrpcFrames.knownEncoding(encoding)) {
            Response refused = shape.trailersOnly(Status.UNIMPLEMENTED.withDescription("grpc-encoding '" + encoding
                    + "' is not supported: use identity, gzip or deflate"));
            refused.headers().set("grpc-accept-encoding", "identity,deflate,gzip");
            return refused;
        }
        Duration limit = CallMetadata.timeout(request.headers().first("grpc-timeout").orElse(null))
                .filter(client -> client.compareTo(timeout) < 0).orElse(timeout);
        Deadline deadline = Deadline.after(Math.max(1, limit.toNanos()), TimeUnit.NANOSECONDS);
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.newBuilder(BYTES, BYTES)
                .setType(MethodDescriptor.MethodType.UNKNOWN)
                .setFullMethodName(method)
                .build();
        ClientCall<byte[], byte[]> call = channel.newCall(descriptor, CallOptions.DEFAULT.withDeadline(deadline));
        ProxiedCall proxied = new ProxiedCall(maxMessageSize);
        InputStream body = new BufferedInputStream(request.body().stream(), 8192);
        proxied.start(call, CallMetadata.request(exchange),
                wire == Wire.GRPC_WEB_TEXT ? GrpcWebCodec.decodingText(body) : body, encoding);
        try {
            // however the exchange ends (a filter dropped the response, the client went away), the call ends with it
            exchange.onComplete(completion -> proxied.exchangeEnded());
        } catch (UnsupportedOperationException e) {
            // an exchange that cannot report its end: closing the body is the only signal
        }
        ProxiedCall.Event first;
        try {
            first = proxied.next();
        } catch (IOException e) {
            // the client reset its stream (the core interrupts the thread serving it): its doing, as for HTTP
            throw new GatewayException(499, "cancelled", "the request was cancelled");
        }
        return switch (first) {
            case ProxiedCall.Headers headers -> shape.streaming(headers.metadata(), proxied, deadline);
            case ProxiedCall.Closed closed -> {
                Outcomes.unavailable(exchange, closed.status().getCode() == Status.Code.UNAVAILABLE
                        && closed.source() != ProxiedCall.Source.GATEWAY);
                yield shape.trailersOnly(clientStatus(closed, deadline), closed.trailers());
            }
            case ProxiedCall.Message message -> throw new IllegalStateException("a message before the headers");
        };
    }

    /**
     * {@code package.Service/Method} from the path {@code /package.Service/Method}, or {@code null} when the path
     * does not have that shape.
     */
    static String methodName(String path) {
        if (path.length() < 4 || path.charAt(0) != '/') {
            return null;
        }
        String name = path.substring(1);
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1 || name.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        return name;
    }

    /**
     * The status the client gets. One the upstream sent passes as it is; one grpc-java made up (connection refused,
     * the deadline, a broken stream) gets a description of its own, since its text names internal addresses.
     */
    static Status clientStatus(ProxiedCall.Closed closed, Deadline deadline) {
        Status status = closed.status();
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && deadline.isExpired()) {
            return Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed before the upstream answered");
        }
        if (closed.source() != ProxiedCall.Source.GRPC_JAVA) {
            return status;
        }
        return Status.fromCode(status.getCode()).withDescription(switch (status.getCode()) {
            case UNAVAILABLE -> "the upstream is unavailable";
            case RESOURCE_EXHAUSTED -> "the upstream's message is larger than the limit";
            case CANCELLED -> "the call was cancelled";
            default -> "the call to the upstream failed";
        });
    }

    /** How the answer is written for the client's wire. */
    private static final class ResponseShape {
        private final Wire wire;
        private final String contentType;

        ResponseShape(Wire wire, String contentType) {
            this.wire = wire;
            this.contentType = contentType;
        }

        private Response response() {
            Headers headers = new Headers();
            headers.set("Content-Type", contentType);
            return new Response(200, headers, null);
        }

        Response trailersOnly(Status status) {
            return trailersOnly(status, new Metadata());
        }

        /**
         * A call that ended without headers: status and trailers in the trailers for gRPC; for gRPC-Web in the
         * headers too (where browsers look when there is no body) and in a trailer frame.
         */
        Response trailersOnly(Status status, Metadata trailers) {
            Response response = response();
            Headers fields = response.trailers();
            CallMetadata.addStatus(fields, status);
            CallMetadata.addTo(fields, trailers);
            if (wire != Wire.GRPC) {
                fields.forEach((name, value) -> response.headers().add(name, value));
                byte[] frame = GrpcWebCodec.trailerFrame(fields);
                response.body(Body.of(wire == Wire.GRPC_WEB_TEXT ? GrpcWebCodec.text(frame) : frame));
                // in the body: an HTTP/2 gRPC-Web client must not get them a third time
                response.trailers().removeIf(name -> true);
            }
            return response;
        }

        Response streaming(Metadata headers, ProxiedCall call, Deadline deadline) {
            Response response = response();
            CallMetadata.addTo(response.headers(), headers);
            response.body(new ResponseStream(call, response, wire, deadline).body());
            return response;
        }
    }
}
