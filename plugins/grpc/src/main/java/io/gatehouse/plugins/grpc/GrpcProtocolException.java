package io.gatehouse.plugins.grpc;

import io.grpc.Status;

import java.io.IOException;

/**
 * A client's request broke the gRPC (or gRPC-Web) framing: the call ends with {@link #status()}, the client's fault.
 * An {@link IOException} so that it comes out of the streams that decode the request; any other
 * {@code IOException} from them means the client's body failed (reset, gone, too slow).
 */
final class GrpcProtocolException extends IOException {

    private final transient Status status;

    GrpcProtocolException(Status status, String message) {
        super(message);
        this.status = status.withDescription(message);
    }

    /** @return the status the client gets, with this message as its description */
    Status status() {
        return status;
    }
}
