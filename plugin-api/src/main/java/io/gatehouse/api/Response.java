package io.gatehouse.api;

import java.util.Objects;

/**
 * A response on its way back to the client. Filters may change its status, headers and body. Not thread-safe.
 *
 * <p>A response from upstream holds a connection until its body is read to the end or closed: a filter that
 * drops a response must {@linkplain Body#close() close} its body; {@link #body(Body)} does that for the body it
 * replaces.
 */
public final class Response {

    private final Headers headers;
    private int status;
    private Body body;
    private Headers trailers;

    /**
     * Creates a response.
     *
     * @param status  the status code, 100 to 599
     * @param headers the headers
     * @param body    the body; {@code null} means empty
     * @throws IllegalArgumentException if the status is out of range
     */
    public Response(int status, Headers headers, Body body) {
        this.headers = Objects.requireNonNull(headers, "headers");
        status(status);
        this.body = body == null ? Body.empty() : body;
    }

    /**
     * A plain text response.
     *
     * @param status the status code
     * @param text   the body, sent as UTF-8
     * @return the response
     */
    public static Response text(int status, String text) {
        return new Response(status, Headers.of("Content-Type", "text/plain; charset=UTF-8"), Body.of(text));
    }

    /**
     * A JSON response.
     *
     * @param status the status code
     * @param json   the body, already serialised
     * @return the response
     */
    public static Response json(int status, String json) {
        return new Response(status, Headers.of("Content-Type", "application/json"), Body.of(json));
    }

    /** @return the status code */
    public int status() {
        return status;
    }

    /**
     * Sets the status code.
     *
     * @param status 100 to 599
     * @throws IllegalArgumentException if out of range
     */
    public void status(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100..599, got " + status);
        }
        this.status = status;
    }

    /** @return the response headers, mutable */
    public Headers headers() {
        return headers;
    }

    /** @return the body */
    public Body body() {
        return body;
    }

    /**
     * Replaces the body, closing the previous one (read or not). When the new body has a known length the
     * caller should also fix {@code Content-Length}; the core sets it from {@link Body#length()} when it writes.
     *
     * @param body the new body; {@code null} means empty
     */
    public void body(Body body) {
        Body next = body == null ? Body.empty() : body;
        if (next != this.body) {
            this.body.close();
        }
        this.body = next;
    }

    /**
     * Replaces the body with one made from it, without closing it: the new body owns the old one (it reads its
     * stream, and closes it when it is closed). For a filter that transforms or watches a response's bytes as they
     * pass.
     *
     * @param wrapper makes the new body from the current one; {@code null} from it means empty
     * @since 1.4.0
     */
    public void wrapBody(java.util.function.UnaryOperator<Body> wrapper) {
        Body next = wrapper.apply(this.body);
        this.body = next == null ? Body.empty() : next;
    }

    /**
     * The trailer fields, sent after the body: gRPC's {@code grpc-status} and {@code grpc-message}, for instance.
     * Whoever produces the body fills them in before its stream ends (a reader of the body sees them complete once
     * the stream returned its end); the core sends them after the last byte of the body to an HTTP/2 client that
     * accepts trailers ({@code TE: trailers}). HTTP/1.1 responses are sent without them.
     *
     * @return the trailers, mutable; empty unless someone added to them
     * @since 1.4.0
     */
    public Headers trailers() {
        if (trailers == null) {
            trailers = new Headers();
        }
        return trailers;
    }

    /**
     * @return whether any trailer field was added, without creating the trailers
     * @since 1.4.0
     */
    public boolean hasTrailers() {
        return trailers != null && trailers.size() > 0;
    }

    @Override
    public String toString() {
        return "Response{" + status + "}";
    }
}
