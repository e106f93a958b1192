package io.gatehouse.core.script;

import io.gatehouse.api.Body;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import org.graalvm.polyglot.HostAccess;

import java.nio.charset.StandardCharsets;

/**
 * A response as the prelude sees it: the upstream's (from {@code chain.proceed} or a fetch) or one the script made.
 * Reading the body buffers it (up to the limit, 413 beyond) and keeps it, so the client still receives it.
 */
public final class HostResponse extends HeaderAccess {

    private final Response response;
    private final long bodyLimit;
    private String text;

    HostResponse(Response response, long bodyLimit) {
        this.response = response;
        this.bodyLimit = bodyLimit;
    }

    /** @return the Java response (with any body the script read or set) */
    public Response response() {
        return response;
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
            byte[] bytes = response.body().readAll(bodyLimit);
            response.body(Body.of(bytes));
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        return text;
    }

    @HostAccess.Export
    public void setBody(String body, String contentType) {
        response.body(Body.of(body));
        text = body;
        response.headers().remove("Content-Length");
        response.headers().remove("Content-Encoding");
        if (contentType != null) {
            response.headers().set("Content-Type", contentType);
        }
    }

    /** Makes responses for {@code Response.json/text} and plain-object results; exported to the prelude. */
    public static final class Factory {
        private final long bodyLimit;

        Factory(long bodyLimit) {
            this.bodyLimit = bodyLimit;
        }

        @HostAccess.Export
        public HostResponse json(int status, String json) {
            return new HostResponse(Response.json(status, json), bodyLimit);
        }

        @HostAccess.Export
        public HostResponse text(int status, String text) {
            return new HostResponse(Response.text(status, text), bodyLimit);
        }
    }
}
