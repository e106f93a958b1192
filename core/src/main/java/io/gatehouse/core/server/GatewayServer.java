package io.gatehouse.core.server;

import io.gatehouse.core.config.ServerConfig;
import io.gatehouse.core.generation.GenerationHolder;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;

import java.time.Duration;

/**
 * The public listener: a Helidon web server (a virtual thread per request) whose single handler is the gateway.
 */
public final class GatewayServer implements AutoCloseable {

    private final WebServer server;

    private GatewayServer(WebServer server) {
        this.server = server;
    }

    /** Binds and starts the listener. */
    public static GatewayServer start(ServerConfig config, GenerationHolder generations) {
        ProblemDirectHandler problems = new ProblemDirectHandler();
        WebServer server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                // the body limit is the handler's (LimitedInputStream), so a 413 can be answered cleanly
                .maxPayloadSize(-1)
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .backlog(4096)
                .protocols(java.util.List.of(Http1Config.builder()
                        .maxPrologueLength((int) config.limits().maxRequestLine().bytes())
                        .maxHeadersSize(ProxyHandler.parserHeaderLimit(config.limits().maxHeaderSize().bytes()))
                        .validateRequestHeaders(true)
                        .build()))
                .directHandlers(handlers -> {
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        handlers.addHandler(type, problems);
                    }
                })
                .routing(routing -> routing.any(new ProxyHandler(generations,
                        config.limits().maxHeaderSize().bytes(), config.limits().maxBodySize().bytes())))
                .build()
                .start();
        return new GatewayServer(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
