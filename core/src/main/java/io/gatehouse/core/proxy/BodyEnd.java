package io.gatehouse.core.proxy;

import java.io.IOException;

/**
 * Told once that an upstream response body has ended, which is when the upstream's part of the exchange is over:
 * read to its end, dropped by whoever held it (a client that went away, a filter that replaced the response), or
 * broken by the upstream.
 */
@FunctionalInterface
interface BodyEnd {

    /**
     * @param fault the upstream's fault that ended the body (it broke off, its framing was invalid, it paused past
     *              the idle timeout), or {@code null} when it was read to its end or dropped
     */
    void ended(IOException fault);
}
