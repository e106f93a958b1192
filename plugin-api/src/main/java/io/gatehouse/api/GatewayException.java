package io.gatehouse.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Fails the exchange with a known status. The core renders it as an RFC 9457 {@code application/problem+json}
 * document: {@code status}, {@code title} (the reason phrase), {@code detail} (the message), {@code code} and
 * the request id. The message is shown to the client, so it must not hold secrets or stack traces.
 */
public class GatewayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final Map<String, String> headers = new LinkedHashMap<>();

    /**
     * Creates the exception.
     *
     * @param status  the HTTP status to answer with, 400 to 599
     * @param code    a stable machine-readable code in snake_case, e.g. {@code invalid_token}
     * @param message what went wrong, for humans; shown to the client
     * @throws IllegalArgumentException if the status is not an error status
     */
    public GatewayException(int status, String code, String message) {
        this(status, code, message, null);
    }

    /**
     * Creates the exception with a cause, which goes to the log but never to the client.
     *
     * @param status  the HTTP status to answer with, 400 to 599
     * @param code    a stable machine-readable code in snake_case
     * @param message what went wrong, for humans; shown to the client
     * @param cause   the underlying failure, or {@code null}
     * @throws IllegalArgumentException if the status is not an error status
     */
    public GatewayException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("GatewayException status must be 400..599, got " + status);
        }
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * Adds a header to the error response, such as {@code Retry-After} or {@code WWW-Authenticate}.
     *
     * @param name  the header name
     * @param value the value
     * @return this
     */
    public GatewayException header(String name, String value) {
        headers.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        return this;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the machine-readable code */
    public String code() {
        return code;
    }

    /** @return extra headers for the error response, unmodifiable */
    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }
}
