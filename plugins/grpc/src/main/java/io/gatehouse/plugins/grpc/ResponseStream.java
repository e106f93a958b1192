package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Body;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.grpc.Deadline;

import java.io.IOException;
import java.io.InputStream;

/**
 * The body of a proxied call's response: each message the upstream sends, re-framed (uncompressed) as it arrives;
 * at the end the status and trailing metadata: filled into {@link Response#trailers()} for a gRPC client before the
 * stream returns its end, or written as gRPC-Web's trailer frame. Closing it before its end cancels the call.
 */
final class ResponseStream extends ChunkedInput {

    private final ProxiedCall call;
    private final Response response;
    private final Wire wire;
    private final Deadline deadline;
    private boolean ended;

    ResponseStream(ProxiedCall call, Response response, Wire wire, Deadline deadline) {
        this.call = call;
        this.response = response;
        this.wire = wire;
        this.deadline = deadline;
    }

    /** The bytes of the upstream's next event (empty for one that writes nothing), {@code null} after its end. */
    @Override
    protected byte[] nextChunk() throws IOException {
        if (ended) {
            return null;
        }
        ProxiedCall.Event event = call.next();
        return switch (event) {
            case ProxiedCall.Message message -> {
                call.requestNext();
                yield encode(GrpcFrames.frame(0, message.bytes()));
            }
            case ProxiedCall.Closed closed -> {
                ended = true;
                Headers trailers = wire == Wire.GRPC ? response.trailers() : new Headers();
                CallMetadata.addStatus(trailers, NativeProxy.clientStatus(closed, deadline));
                CallMetadata.addTo(trailers, closed.trailers());
                yield wire == Wire.GRPC ? new byte[0] : encode(GrpcWebCodec.trailerFrame(trailers));
            }
            case ProxiedCall.Headers ignored -> new byte[0]; // only once, and taken before the body
        };
    }

    private byte[] encode(byte[] bytes) {
        return wire == Wire.GRPC_WEB_TEXT ? GrpcWebCodec.text(bytes) : bytes;
    }

    /**
     * The response as a body. Closing it, read or not, cancels the call unless it already ended (a filter that drops
     * the response, a client that went away); {@link NativeProxy} also ends the call with the exchange.
     */
    Body body() {
        return Body.of(this, -1);
    }

    /** The client went away (or a filter dropped the body) before the end: the upstream's call is cancelled. */
    @Override
    public void close() {
        if (!ended) {
            ended = true;
            call.cancel("the client went away");
        }
    }
}
