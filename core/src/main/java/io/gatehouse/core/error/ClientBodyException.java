package io.gatehouse.core.error;

import io.gatehouse.api.GatewayException;

import java.io.IOException;

/**
 * Reading the client's request body failed: the client sent a malformed body (400), went silent (408), sent too
 * much (413) or went away (client abort). It is the client's failure, never the upstream's: the proxy aborts the
 * upstream request it was feeding and counts nothing against the upstream's health, balancer or breaker.
 */
public final class ClientBodyException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The status the access log records for a client that went away; nothing can be answered to it. */
    public static final int CLIENT_CLOSED = 499;

    private final int status;
    private final String code;

    public ClientBodyException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public ClientBodyException(int status, String code, String message) {
        this(status, code, message, null);
    }

    /** The client went away in the middle of its body. */
    public static ClientBodyException aborted(Throwable cause) {
        return new ClientBodyException(CLIENT_CLOSED, "client_aborted", "the client closed the connection before "
                + "its request body was complete", cause);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The problem to answer (when the client can still read one). */
    public GatewayException toGatewayException() {
        return new GatewayException(status == CLIENT_CLOSED ? 400 : status, code, getMessage(), this);
    }
}
