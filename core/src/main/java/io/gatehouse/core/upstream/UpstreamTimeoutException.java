package io.gatehouse.core.upstream;

import java.net.SocketTimeoutException;

/**
 * An upstream connection ran out of time: the response head did not arrive by its deadline, the body paused longer
 * than the idle timeout, or a write of the request blocked longer than the write timeout (the upstream stopped
 * reading). The upstream's fault; the connection is closed.
 */
public final class UpstreamTimeoutException extends SocketTimeoutException {

    private static final long serialVersionUID = 1L;

    /** What the gateway was waiting for. */
    public enum Phase {
        /** the response head */
        HEAD,
        /** more of the response body */
        BODY,
        /** the upstream to take more of the request */
        WRITE
    }

    private final Phase phase;

    UpstreamTimeoutException(Phase phase, String message) {
        super(message);
        this.phase = phase;
    }

    public Phase phase() {
        return phase;
    }
}
