package io.gatehouse.plugins.grpc;

import com.google.protobuf.DynamicMessage;
import io.grpc.Status;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A server-streaming call's messages as the bytes of a response body, each written as it arrives: newline-delimited
 * JSON ({@code {...}\n} per message) or server-sent events ({@code data: {...}\n\n}). Reading blocks on the call's
 * events; each message taken asks the call for the next one (flow control: the server is held back by a client
 * that reads slowly). A call that fails after its first message ends the stream with the problem: an
 * {@code event: error} for SSE, a last line {@code {"error": {...}}} for NDJSON. Closing before the end cancels
 * the call.
 */
final class MessageStream extends InputStream {

    /** How messages and a failure are framed. */
    enum Format {
        NDJSON("application/x-ndjson"), SSE("text/event-stream");

        final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        String message(String json) {
            return this == SSE ? "data: " + json + "\n\n" : json + "\n";
        }

        String error(String problem) {
            return this == SSE ? "event: error\ndata: " + problem + "\n\n" : "{\"error\":" + problem + "}\n";
        }
    }

    private final GrpcCall call;
    private final Format format;
    private final Function<DynamicMessage, String> print;
    private final Function<GrpcCall.Closed, String> problem;
    private final Consumer<GrpcCall.Event> metadata;
    private byte[] chunk;
    private int position;
    private boolean ended;

    /**
     * @param first    the first message, already taken from the call
     * @param print    a message as JSON
     * @param problem  a failed call's problem document
     * @param metadata told of the trailers (to fill the response's) before the stream returns its end
     */
    MessageStream(GrpcCall call, Format format, DynamicMessage first, Function<DynamicMessage, String> print,
                  Function<GrpcCall.Closed, String> problem, Consumer<GrpcCall.Event> metadata) {
        this.call = call;
        this.format = format;
        this.print = print;
        this.problem = problem;
        this.metadata = metadata;
        this.chunk = bytes(format.message(print.apply(first)));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (chunk == null || position == chunk.length) {
            if (ended) {
                return -1;
            }
            fill();
        }
        int n = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, buffer, offset, n);
        position += n;
        return n;
    }

    private void fill() throws IOException {
        GrpcCall.Event event;
        try {
            event = call.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new InterruptedIOException("interrupted while waiting for the next gRPC message");
        }
        position = 0;
        chunk = null;
        switch (event) {
            case GrpcCall.Message message -> {
                chunk = bytes(format.message(print.apply(message.message())));
                call.request(1);
            }
            case GrpcCall.Headers headers -> metadata.accept(headers);
            case GrpcCall.Closed closed -> {
                metadata.accept(closed);
                ended = true;
                if (closed.status().getCode() != Status.Code.OK) {
                    chunk = bytes(format.error(problem.apply(closed)));
                }
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (!ended) {
            ended = true;
            call.cancel("the client stopped reading the stream", null);
        }
    }
}
