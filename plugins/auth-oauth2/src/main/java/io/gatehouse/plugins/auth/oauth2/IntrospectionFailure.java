package io.gatehouse.plugins.auth.oauth2;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * An introspection answer the gateway cannot use, raised inside the call's pipeline; and {@link #reason}, which
 * puts any failure of a call (this one, a timeout, a refused connection) in words of our own for the filter's log
 * line. Neither ever carries the token, the client secret or a library's exception text.
 */
final class IntrospectionFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    IntrospectionFailure(String reason) {
        super(reason, null, false, false);
    }

    /**
     * @param failure what the call failed with
     * @param timeout the configured call timeout, to name it
     * @return why, in words an operator can act on
     */
    static String reason(Throwable failure, Duration timeout) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof IntrospectionFailure) {
            return cause.getMessage();
        }
        if (cause instanceof LimitedBody.TooLarge) {
            return "the endpoint's answer is larger than " + Introspector.MAX_ANSWER_BYTES + " bytes";
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return "could not connect to the endpoint within connect_timeout";
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "no answer from the endpoint within " + timeout.toMillis() + " ms (timeout)";
        }
        if (cause instanceof ConnectException) {
            return "could not connect to the endpoint";
        }
        if (cause instanceof CancellationException) {
            return "the call was cancelled";
        }
        if (cause instanceof IOException) {
            return "I/O failure talking to the endpoint (" + cause.getClass().getSimpleName() + ")";
        }
        return "unexpected failure of the call (" + cause.getClass().getSimpleName() + ")";
    }
}
