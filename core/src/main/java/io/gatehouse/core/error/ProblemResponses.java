package io.gatehouse.core.error;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gatehouse.api.Body;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders errors as RFC 9457 {@code application/problem+json} documents. Every document carries the request id
 * (and for a proxied request the trace id) so a client's report can be found in the log and the traces; none
 * carries a stack trace.
 */
public final class ProblemResponses {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final JsonFactory JSON = new JsonFactory();

    private ProblemResponses() {
    }

    /**
     * A problem response for a gateway exception, with the headers it asks for.
     */
    public static Response of(GatewayException e, String requestId, String instance) {
        return of(e, requestId, null, instance);
    }

    /**
     * A problem response for a gateway exception, with the headers it asks for.
     *
     * @param traceId the W3C trace id of the request ({@code trace_id}), or {@code null}
     */
    public static Response of(GatewayException e, String requestId, String traceId, String instance) {
        Response response = of(e.status(), e.code(), e.getMessage(), requestId, traceId, instance);
        e.headers().forEach((name, value) -> response.headers().set(name, value));
        return response;
    }

    /**
     * A problem response.
     *
     * @param status    the HTTP status
     * @param code      a stable snake_case code, also the last part of {@code type}
     * @param detail    what went wrong, for humans
     * @param requestId the request id
     * @param instance  the request path, or {@code null}
     */
    public static Response of(int status, String code, String detail, String requestId, String instance) {
        return of(status, code, detail, requestId, null, instance);
    }

    /**
     * A problem response carrying the request's trace id.
     *
     * @param traceId the W3C trace id of the request ({@code trace_id}), or {@code null}
     */
    public static Response of(int status, String code, String detail, String requestId, String traceId,
                              String instance) {
        byte[] body = render(status, code, detail, requestId, traceId, instance);
        Headers headers = Headers.of("Content-Type", CONTENT_TYPE, "X-Request-Id", requestId);
        return new Response(status, headers, Body.of(body));
    }

    /** The JSON bytes of a problem document. */
    public static byte[] render(int status, String code, String detail, String requestId, String instance) {
        return render(status, code, detail, requestId, null, instance);
    }

    /** The JSON bytes of a problem document; {@code traceId} may be {@code null}. */
    public static byte[] render(int status, String code, String detail, String requestId, String traceId,
                                String instance) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", "https://gatehouse.dev/problems/" + code);
            json.writeStringField("title", ReasonPhrases.of(status));
            json.writeNumberField("status", status);
            if (detail != null) {
                json.writeStringField("detail", detail);
            }
            if (instance != null) {
                json.writeStringField("instance", instance);
            }
            json.writeStringField("code", code);
            json.writeStringField("request_id", requestId);
            if (traceId != null) {
                json.writeStringField("trace_id", traceId);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
