package io.gatehouse.core.chain;

import io.gatehouse.api.Body;

/**
 * A body that knows whether its stream was handed out. Until it was, nobody can be reading it, so the chain may
 * close it the moment a filter drops it; after, whoever took the stream may still be reading (a filter can wrap an
 * upstream's stream in the body it returns), so it is closed only once the exchange is complete.
 */
public interface TrackedBody extends Body {

    /** @return whether {@link #stream()} was called */
    boolean streamTaken();
}
