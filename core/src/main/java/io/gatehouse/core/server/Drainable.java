package io.gatehouse.core.server;

/**
 * Something holding long-lived client connections that the listener's drain cannot end by itself, such as WebSocket
 * tunnels: told once, when a graceful shutdown starts, to end them cleanly (a WebSocket close frame 1001 "going
 * away"). Register it with {@link io.gatehouse.core.Gateway#onDrain}. It must not block for long: the drain time runs.
 */
@FunctionalInterface
public interface Drainable {

    /** Ends the connections now, cleanly; failures are logged and do not stop the shutdown. */
    void drain();
}
