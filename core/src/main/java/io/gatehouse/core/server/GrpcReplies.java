package io.gatehouse.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.Body;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.core.error.ProblemResponses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The gateway's own answers to gRPC clients. A gRPC client reads the outcome of its call from the
 * {@code grpc-status} trailer, not from the HTTP status, and has no use for a problem+json body: the gateway's
 * refusals (401 from an authentication filter, 404 for no route, 429, 503 ...) reach an {@code application/grpc}
 * request as a gRPC response with no message, {@code grpc-status} mapped from the HTTP status, and the problem's
 * detail and request id in {@code grpc-message}, as Envoy does for its local replies.
 */
final class GrpcReplies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GrpcReplies() {
    }

    /** @return whether the request's content type is gRPC's ({@code application/grpc}, {@code application/grpc+proto}) */
    static boolean isGrpc(Optional<String> contentType) {
        if (contentType.isEmpty()) {
            return false;
        }
        String type = contentType.get().toLowerCase(Locale.ROOT).trim();
        return type.equals("application/grpc") || type.startsWith("application/grpc+")
                || type.startsWith("application/grpc;");
    }

    /**
     * The gRPC code for one of the gateway's HTTP error statuses: gRPC's HTTP-to-gRPC mapping where it is specific
     * (401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 UNIMPLEMENTED, 502/503 UNAVAILABLE), and the closer code where
     * the gateway knows more than an HTTP status says (a 504 is a deadline, a 429 or 413 a resource exhausted, a
     * 499 a cancellation, a 400 an invalid argument).
     */
    static int code(int status) {
        return switch (status) {
            case 400, 411, 414, 431 -> 3;    // INVALID_ARGUMENT
            case 401 -> 16;                  // UNAUTHENTICATED
            case 403 -> 7;                   // PERMISSION_DENIED
            case 404, 405 -> 12;             // UNIMPLEMENTED
            case 408, 504 -> 4;              // DEADLINE_EXCEEDED
            case 413, 429 -> 8;              // RESOURCE_EXHAUSTED
            case 499 -> 1;                   // CANCELLED
            case 501 -> 12;                  // UNIMPLEMENTED
            case 502, 503 -> 14;             // UNAVAILABLE
            default -> status >= 500 ? 13 : 2; // INTERNAL, UNKNOWN
        };
    }

    /**
     * @return the gRPC form of a problem response, or the response itself when it is not one of the gateway's
     *         problems (an upstream's answer is left alone)
     */
    static Response of(Response response) {
        boolean problem = response.headers().first("Content-Type")
                .map(type -> type.startsWith(ProblemResponses.CONTENT_TYPE)).orElse(false);
        if (!problem || response.status() < 400) {
            return response;
        }
        String detail = detail(response);
        Headers headers = new Headers();
        response.headers().forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("content-type") && !lower.equals("content-length")) {
                headers.add(name, value);
            }
        });
        headers.set("Content-Type", "application/grpc");
        Response grpc = new Response(200, headers, Body.empty());
        grpc.trailers().set("grpc-status", Integer.toString(code(response.status())));
        grpc.trailers().set("grpc-message", percentEncode(detail));
        return grpc;
    }

    /** The problem's {@code detail} and request id, read from the body the gateway rendered (small, in memory). */
    private static String detail(Response response) {
        try {
            JsonNode problem = JSON.readTree(response.body().readAll(64 * 1024));
            String detail = problem.path("detail").asText("HTTP " + response.status());
            String id = problem.path("request_id").asText(null);
            return id == null ? detail : detail + " (request " + id + ")";
        } catch (IOException | RuntimeException e) {
            return "HTTP " + response.status();
        }
    }

    /** gRPC's {@code grpc-message} encoding: printable ASCII but {@code %} as is, everything else as UTF-8 %XX. */
    static String percentEncode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
