package io.gatehouse.core.server;

/**
 * Thrown out of the handler when a response broke after its head was sent (the upstream died mid-body): Helidon
 * then closes the connection, so the client sees a broken response, never a silently truncated one.
 */
final class ResponseAbortedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ResponseAbortedException(Throwable cause) {
        super("response aborted: " + cause.getMessage(), cause);
    }
}
