package io.gatehouse.api;

import java.util.List;
import java.util.function.Consumer;

/**
 * Finds the endpoints of a service and tells the core when they change.
 */
public interface ServiceDiscovery extends AutoCloseable {

    /**
     * Starts watching a service. {@code onChange} is called with the full current list, once as soon as it is
     * known and again on every change, from any thread. Failures are the discovery's to handle: it keeps the last
     * known list, retries, and logs.
     *
     * @param service  the service name (the upstream's name unless its config says otherwise)
     * @param onChange receives the full list of endpoints on every change
     * @return a subscription to cancel the watch
     */
    Subscription watch(String service, Consumer<List<Endpoint>> onChange);

    /** Releases what the discovery holds. The default does nothing. */
    @Override
    default void close() {
    }

    /** A running watch. */
    interface Subscription extends AutoCloseable {
        /** Stops the watch; no call to {@code onChange} starts after this returns. */
        @Override
        void close();
    }
}
