package io.gatehouse.core.proxy;

import io.gatehouse.core.chain.TrackedBody;
import io.gatehouse.core.upstream.UpstreamConnection;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * The body of an upstream response: held whole (read before the response was returned) or streaming from its
 * connection. It tells one listener when it has ended ({@link #onEnd}), so the balancer hears that a request is
 * over when its body is, not when its head arrived.
 */
final class UpstreamBody implements TrackedBody {

    private final InputStream in;
    private final long length;
    private final UpstreamBodyStream streaming;
    private boolean taken;

    private UpstreamBody(InputStream in, long length, UpstreamBodyStream streaming) {
        this.in = in;
        this.length = length;
        this.streaming = streaming;
    }

    /** A body already read whole: its connection is done with. */
    static UpstreamBody whole(byte[] bytes) {
        return new UpstreamBody(new ByteArrayInputStream(bytes), bytes.length, null);
    }

    /**
     * The empty body of an answer to {@code HEAD} whose {@code GET} has no declared length (chunked, or until the
     * connection closes): its length is unknown, so the client is not told 0. Its connection is done with.
     */
    static UpstreamBody ofUnknownLength() {
        return new UpstreamBody(InputStream.nullInputStream(), -1, null);
    }

    /** A body still arriving; {@code length} is -1 when unknown. */
    static UpstreamBody streaming(UpstreamBodyStream stream, long length) {
        return new UpstreamBody(stream, length, stream);
    }

    /**
     * The body of a {@code 101}: nothing to read, but it holds the switched connection until the tunnel closes it.
     */
    static UpstreamBody upgraded(UpstreamConnection connection) {
        return new UpstreamBody(InputStream.nullInputStream(), 0, UpstreamBodyStream.untilClose(connection));
    }

    /** @return the connection a {@code 101}'s body holds */
    UpstreamConnection connection() {
        return streaming.connection();
    }

    /** Calls {@code end} once the body has ended, which for a body held whole is now. */
    void onEnd(BodyEnd end) {
        if (streaming == null) {
            end.ended(null);
        } else {
            streaming.onEnd(end);
        }
    }

    @Override
    public InputStream stream() {
        if (taken) {
            throw new IllegalStateException("body stream already taken");
        }
        taken = true;
        return in;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public boolean streamTaken() {
        return taken;
    }

    @Override
    public void close() {
        if (streaming != null) {
            streaming.close();
        }
    }
}
