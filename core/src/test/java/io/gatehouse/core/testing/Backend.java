package io.gatehouse.core.testing;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import java.util.function.Consumer;

/** A real Helidon backend on a free loopback port. */
public final class Backend implements AutoCloseable {

    private final WebServer server;

    private Backend(WebServer server) {
        this.server = server;
    }

    public static Backend start(Consumer<HttpRouting.Builder> routing) {
        return startOn(0, routing);
    }

    /** Starts on a given port (to restart a backend where it was). */
    public static Backend startOn(int port, Consumer<HttpRouting.Builder> routing) {
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .shutdownHook(false)
                .maxPayloadSize(-1)
                .routing(routing)
                .build()
                .start();
        return new Backend(server);
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
