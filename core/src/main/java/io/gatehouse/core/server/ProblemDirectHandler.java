package io.gatehouse.core.server;

import io.gatehouse.core.error.ProblemResponses;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers errors that Helidon detects before any handler runs (malformed request line, oversized URI, headers or
 * body) with the same problem documents as the rest of the gateway. (Helidon reports an oversized header block as
 * a plain 400 without detail, so the header limit proper is enforced by {@link ProxyHandler}, which answers 431;
 * Helidon's own, larger bound only stops abuse.)
 */
final class ProblemDirectHandler implements DirectHandler {

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, Throwable thrown) {
        int code = status.code();
        String detail = thrown == null ? null : thrown.getMessage();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Header size exceeded")) {
                code = 431;
                detail = "request headers are larger than the limit";
            }
        }
        return respond(request, code, detail);
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        return respond(request, status.code(), message);
    }

    private static TransportResponse respond(TransportRequest request, int code, String detail) {
        String requestId = RequestIds.generate();
        String problemCode = switch (code) {
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 505 -> "http_version_not_supported";
            default -> code >= 500 ? "internal_error" : "bad_request";
        };
        if (code == 413) {
            detail = "request body is larger than the limit";
        } else if (code == 414) {
            detail = "request line is longer than the limit";
        } else if (detail == null || detail.isBlank() || code >= 500) {
            detail = code >= 500 ? "the gateway failed to handle the request" : "malformed request";
        }
        byte[] body = ProblemResponses.render(code, problemCode, detail, requestId, null);
        return TransportResponse.builder()
                .status(Status.create(code))
                .header(HeaderNames.CONTENT_TYPE, ProblemResponses.CONTENT_TYPE)
                .header(RequestIds.HEADER, requestId)
                .keepAlive(false)
                .entity(body)
                .build();
    }
}
