package io.gatehouse.plugins.grpc;

import com.google.protobuf.Any;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.gatehouse.api.Body;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;

import java.util.Base64;
import java.util.Locale;

/**
 * An RFC 9457 problem document as the core renders them ({@code type}, {@code title}, {@code status},
 * {@code detail}, {@code code}, {@code request_id}, {@code trace_id}), with what a failed gRPC call adds:
 * {@code grpc_status} (the code's name), {@code grpc_code} (its number), {@code grpc_message} (the server's
 * {@code grpc-message}, decoded) and {@code details} (the {@code google.rpc.Status} details in
 * {@code grpc-status-details-bin}, each an {@code Any} as proto3 JSON with its {@code @type}).
 */
final class Problem {

    static final String CONTENT_TYPE = "application/problem+json";

    private Problem() {
    }

    /** A problem response, not about a call's status. */
    static Response response(Exchange exchange, int status, String code, String detail) {
        return response(exchange, status, json(exchange, status, code, detail, null));
    }

    static Response response(Exchange exchange, int status, String json) {
        Headers headers = Headers.of("Content-Type", CONTENT_TYPE, "X-Request-Id", exchange.requestId());
        return new Response(status, headers, Body.of(json));
    }

    /** The problem document for a call that ended with {@code status} (not OK). */
    static String json(Exchange exchange, Status status, Metadata trailers, JsonFormat.TypeRegistry types) {
        if (missingStatus(status)) {
            return json(exchange, 502, "grpc_status_missing", "the gRPC call ended without a grpc-status", null);
        }
        int http = httpStatus(status);
        String name = status.getCode().name();
        StringBuilder grpc = new StringBuilder();
        grpc.append(",\"grpc_status\":").append(quote(name));
        grpc.append(",\"grpc_code\":").append(status.getCode().value());
        String detail;
        if (local(status)) {
            detail = switch (status.getCode()) {
                case DEADLINE_EXCEEDED -> "the gRPC call did not end within its deadline";
                case UNAVAILABLE -> "the gRPC endpoint could not be reached";
                case CANCELLED -> status.getCause() != null
                        ? "the upstream's response could not be read (a message that does not parse)"
                        : "the gRPC call was cancelled";
                case RESOURCE_EXHAUSTED -> "the upstream's response message is larger than max_message_size";
                default -> "the upstream's response is not a valid gRPC response (" + name + ")";
            };
        } else {
            detail = "the gRPC service answered " + name;
            if (status.getDescription() != null) {
                grpc.append(",\"grpc_message\":").append(quote(status.getDescription()));
            }
            com.google.rpc.Status rich;
            try {
                rich = trailers == null ? null : StatusProto.fromStatusAndTrailers(status, trailers);
            } catch (RuntimeException e) {
                rich = null; // grpc-status-details-bin that does not decode: the status without its details
            }
            if (rich != null && rich.getDetailsCount() > 0) {
                JsonFormat.Printer printer = JsonFormat.printer().usingTypeRegistry(types)
                        .omittingInsignificantWhitespace();
                grpc.append(",\"details\":[");
                for (int i = 0; i < rich.getDetailsCount(); i++) {
                    grpc.append(i == 0 ? "" : ",").append(any(printer, rich.getDetails(i)));
                }
                grpc.append(']');
            }
        }
        String code = local(status) && http == 502 ? "grpc_bad_response" : "grpc_" + name.toLowerCase(Locale.ROOT);
        return json(exchange, http, code, detail, grpc.toString());
    }

    /** @return the HTTP status of a call that ended with {@code status} (not OK) */
    static int httpStatus(Status status) {
        if (missingStatus(status)) {
            return 502;
        }
        // grpc-java's own verdict on what the upstream sent (a response too large, a message that does not parse,
        // an HTTP error page): the upstream's failure as the gateway saw it, not a status the service chose
        if (local(status) && status.getCode() != Status.Code.UNAVAILABLE
                && status.getCode() != Status.Code.DEADLINE_EXCEEDED) {
            return 502;
        }
        return StatusMapping.httpStatus(status.getCode());
    }

    /**
     * Whether the response ended without a {@code grpc-status}: grpc-java then makes one up (from the HTTP status,
     * or INTERNAL for a stream that ended without trailers) and says so in its description.
     */
    static boolean missingStatus(Status status) {
        String description = status.getDescription();
        return status.getCause() == null && description != null && (description.startsWith("missing GRPC status")
                || description.startsWith("Received unexpected EOS on"));
    }

    /**
     * Whether grpc-java made the status itself (a connection that failed, the deadline that passed): its text then
     * names addresses and internals, which the client is not shown.
     */
    static boolean local(Status status) {
        String description = status.getDescription();
        return status.getCause() != null || (description != null && (description.contains("remote_addr=")
                || description.startsWith("deadline exceeded after") || description.startsWith("ClientCall")
                || description.startsWith("HTTP status code") || description.contains("exceeds maximum size")
                || description.startsWith("Failed to read message")));
    }

    private static String any(JsonFormat.Printer printer, Any any) {
        try {
            return printer.print(any);
        } catch (InvalidProtocolBufferException e) {
            // a type the schema does not know: its bytes, as the proto3 JSON of an Any the printer cannot expand
            return "{\"@type\":" + quote(any.getTypeUrl()) + ",\"value\":"
                    + quote(Base64.getEncoder().encodeToString(any.getValue().toByteArray())) + "}";
        }
    }

    /** The problem document; {@code extra} is more members, each starting with a comma, or {@code null}. */
    static String json(Exchange exchange, int status, String code, String detail, String extra) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"type\":").append(quote("https://gatehouse.dev/problems/" + code));
        json.append(",\"title\":").append(quote(StatusMapping.reason(status)));
        json.append(",\"status\":").append(status);
        if (detail != null) {
            json.append(",\"detail\":").append(quote(detail));
        }
        json.append(",\"code\":").append(quote(code));
        json.append(",\"request_id\":").append(quote(exchange.requestId()));
        String trace = traceId(exchange);
        if (trace != null) {
            json.append(",\"trace_id\":").append(quote(trace));
        }
        if (extra != null) {
            json.append(extra);
        }
        return json.append('}').toString();
    }

    private static String traceId(Exchange exchange) {
        String parent = exchange.request().headers().first("traceparent").orElse("");
        String[] parts = parent.split("-");
        return parts.length == 4 && parts[1].length() == 32 ? parts[1] : null;
    }

    /** @return {@code text} as a JSON string literal (Gson's escaping) */
    static String quote(String text) {
        return new JsonPrimitive(text).toString();
    }
}
