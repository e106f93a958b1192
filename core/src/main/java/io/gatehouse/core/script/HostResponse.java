package io.gatehouse.core.script;

import io.gatehouse.api.Body;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import org.graalvm.polyglot.HostAccess;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A response as the prelude sees it: the upstream's (from {@code chain.proceed} or a fetch) or one the script made.
 * Reading the body buffers it (up to the limit) and keeps it, so the client still receives it. An upstream body
 * that cannot be buffered (too large, broken off) is the upstream's fault: 502, also if the script returns it.
 */
public final class HostResponse extends HeaderAccess {

    private final Response response;
    private final long bodyLimit;
    private String text;
    private GatewayException unusable;

    HostResponse(Response response, long bodyLimit) {
        this.response = response;
        this.bodyLimit = bodyLimit;
    }

    /**
     * Reads an upstream response's body whole and releases it (its connection is pooled again, or closed when
     * the body is not read to its end).
     *
     * @throws GatewayException 502 {@code upstream_body_too_large} beyond {@code limit}, 502 {@code upstream_error}
     *                          when the upstream breaks off
     */
    static byte[] buffer(Response response, long limit) {
        try (Body body = response.body()) {
            return body.readAll(limit);
        } catch (GatewayException e) {
            if (e.status() != 413) {
                throw e;
            }
            throw new GatewayException(502, "upstream_body_too_large", "the upstream's response body is larger "
                    + "than the " + limit + " bytes a script may buffer");
        } catch (UncheckedIOException e) {
            throw new GatewayException(502, "upstream_error", "the upstream's response body broke off", e);
        }
    }

    /**
     * @return the Java response (with any body the script read or set)
     * @throws GatewayException when its body could not be read (the reason the script was given)
     */
    public Response response() {
        if (unusable != null) {
            throw unusable;
        }
        return response;
    }

    /** Gives up the body unread (its upstream connection is closed); nothing for a body already read. */
    void close() {
        response.body().close();
    }

    @Override
    Headers headers() {
        return response.headers();
    }

    @HostAccess.Export
    public int status() {
        return response.status();
    }

    @HostAccess.Export
    public void setStatus(int status) {
        response.status(status);
    }

    @HostAccess.Export
    public String text() {
        if (text == null) {
            byte[] bytes;
            try {
                bytes = buffer(response, bodyLimit);
            } catch (GatewayException e) {
                unusable = e;
                throw e;
            }
            response.body(Body.of(bytes));
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        return text;
    }

    @HostAccess.Export
    public void setBody(String body, String contentType) {
        response.body(Body.of(body));
        text = body;
        unusable = null;
        response.headers().remove("Content-Length");
        response.headers().remove("Content-Encoding");
        if (contentType != null) {
            response.headers().set("Content-Type", contentType);
        }
    }

    /** Makes responses for {@code Response.json/text} and plain-object results; exported to the prelude. */
    public static final class Factory {

        @HostAccess.Export
        public HostResponse json(int status, String json) {
            return new HostResponse(Response.json(status, json), Long.MAX_VALUE);
        }

        @HostAccess.Export
        public HostResponse text(int status, String text) {
            return new HostResponse(Response.text(status, text), Long.MAX_VALUE);
        }
    }
}
