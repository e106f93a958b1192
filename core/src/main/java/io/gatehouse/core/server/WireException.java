package io.gatehouse.core.server;

import io.gatehouse.api.GatewayException;

/**
 * A request the listener refuses before any filter sees it: malformed framing, a limit exceeded, a version it
 * does not speak. The connection is always closed after the answer, because what follows the refused head on the
 * wire can no longer be trusted to start a request.
 */
final class WireException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient RequestHead head;

    WireException(int status, String code, String detail, RequestHead head) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.head = head;
    }

    static WireException badRequest(String detail) {
        return new WireException(400, "bad_request", detail, null);
    }

    /** The same refusal, knowing the head that was read (for the access log). */
    WireException with(RequestHead parsed) {
        return head != null ? this : new WireException(status, code, getMessage(), parsed);
    }

    int status() {
        return status;
    }

    /** What was parsed of the request before it was refused, or {@code null}. */
    RequestHead head() {
        return head;
    }

    GatewayException toGatewayException() {
        return new GatewayException(status, code, getMessage());
    }
}
