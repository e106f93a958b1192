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
 */
public record Completion(int status, long bytesSent, Duration duration, Outcome outcome, Optional<Throwable> error) {

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
