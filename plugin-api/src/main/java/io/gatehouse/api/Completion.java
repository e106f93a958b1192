package io.gatehouse.api;

import java.time.Duration;
import java.util.Optional;

/**
 * How an exchange ended, reported once after the response was fully sent to the client or the exchange was
 * abandoned (see {@link Exchange#onComplete}).
 *
 * @param status    the status the client got (499 when the client went away before a response could be sent)
 * @param bytesSent the response body bytes written to the client
 * @param duration  from the moment the gateway started serving the request to the last byte (or the abort)
 * @param outcome   what happened, as far as the gateway can tell
 * @param error     what broke the exchange, when it broke; never shown to the client
 * @param bytesReceived the request body bytes read from the client (0 when none was read); since 1.3.0
 */
public record Completion(int status, long bytesSent, Duration duration, Outcome outcome, Optional<Throwable> error,
                         long bytesReceived) {

    /**
     * A completion without a count of the request body bytes ({@code bytesReceived} 0): the constructor of before
     * 1.3.0, kept for plugins and tests that make completions.
     */
    public Completion(int status, long bytesSent, Duration duration, Outcome outcome, Optional<Throwable> error) {
        this(status, bytesSent, duration, outcome, error, 0);
    }

    /**
     * @param bytes the request body bytes read from the client
     * @return this completion with {@code bytesReceived} set
     * @since 1.3.0
     */
    public Completion withBytesReceived(long bytes) {
        return new Completion(status, bytesSent, duration, outcome, error, bytes);
    }

    /** Whose doing the end of an exchange was. */
    public enum Outcome {
        /** The response was sent whole, whatever its status. */
        OK,
        /** The client went away, or stopped reading, before the exchange was complete: the client's failure. */
        CLIENT_ABORTED,
        /**
         * The upstream failed: it could not be reached, timed out, or answered something unusable (the client got a
         * 502/503/504), or its response body broke off after the head was sent (the client's connection was then
         * broken, never handed a short body).
         */
        UPSTREAM_FAILED
    }
}
