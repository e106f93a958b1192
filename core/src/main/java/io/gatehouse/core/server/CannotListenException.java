package io.gatehouse.core.server;

import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;

/**
 * A listener (public, admin or demo) that could not bind its address. Helidon logs a failed bind and returns from
 * {@code start()} with nothing listening; {@link #checkBindable} (before the start) and {@link #check} (after it)
 * turn that into this exception, whose message names the address and the reason
 * ({@code cannot listen on 127.0.0.1:8080: address already in use}).
 */
public final class CannotListenException extends IllegalStateException {

    private CannotListenException(String host, int port, String reason) {
        super("cannot listen on " + host + ":" + port + ": " + reason);
    }

    /**
     * Tries the address first, so that the common case (the port is taken) is this exception alone, without the
     * stack trace Helidon logs for a failed bind.
     *
     * @throws CannotListenException if {@code host:port} cannot be bound now
     */
    static void checkBindable(String host, int port) {
        String failure = port == 0 ? null : bindFailure(host, port);
        if (failure != null) {
            throw new CannotListenException(host, port, failure);
        }
    }

    /**
     * @return {@code server}, started by the caller, if it listens
     * @throws CannotListenException if it does not (it is stopped first)
     */
    static WebServer check(WebServer server, String host, int port) {
        if (server.isRunning() && server.port() >= 0) {
            return server;
        }
        server.stop();
        // Helidon keeps the cause to its log: try the bind again to learn it
        String failure = bindFailure(host, port);
        throw new CannotListenException(host, port, failure == null ? "the listener did not start (see the log)"
                : failure);
    }

    /** @return why {@code host:port} cannot be bound, or {@code null} if it can */
    private static String bindFailure(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
            return null;
        } catch (BindException e) {
            return e.getMessage() == null ? "address already in use" : e.getMessage().toLowerCase(Locale.ROOT);
        } catch (IOException | RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
    }
}
