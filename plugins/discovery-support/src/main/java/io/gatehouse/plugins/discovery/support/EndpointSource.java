package io.gatehouse.plugins.discovery.support;

import io.gatehouse.api.Endpoint;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a {@link WatchLoop} gets endpoints from: Consul, etcd, DNS. The loop calls {@link #poll} again and again on
 * one virtual thread; the source keeps whatever state it needs between calls (an index, a revision).
 */
public interface EndpointSource {

    /**
     * Waits for the next news about the endpoints and publishes it. May return after one answer (a blocking query)
     * or keep publishing until its connection breaks (a watch stream).
     *
     * @param publish receives the full current list every time one is known, changed or not; a call also tells the
     *                loop that the source is healthy again
     * @throws InterruptedException when the watch is closed
     * @throws Exception            on any failure; the loop keeps the last published list and calls again after a
     *                              backoff
     */
    void poll(Consumer<List<Endpoint>> publish) throws Exception;

    /**
     * Unblocks a {@link #poll} in progress when the watch closes (e.g. closes a streaming response); the loop also
     * interrupts its thread. Called from another thread. The default does nothing.
     */
    default void cancel() {
    }
}
