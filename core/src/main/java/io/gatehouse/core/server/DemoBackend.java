package io.gatehouse.core.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in demo backend: a small echo service, so the shipped config answers with nothing else running.
 * {@code GET /hello} answers a line of text; anything else answers a JSON echo of the request (method, path,
 * query, headers, body size).
 */
public final class DemoBackend implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final byte[] HELLO = "Hello from the Gatehouse demo backend!\n".getBytes(StandardCharsets.UTF_8);

    private final WebServer server;

    private DemoBackend(WebServer server) {
        this.server = server;
    }

    /**
     * Starts the demo backend on {@code host:port}.
     *
     * @throws CannotListenException if the port cannot be bound
     */
    public static DemoBackend start(String host, int port) {
        CannotListenException.checkBindable(host, port);
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                // HTTP/1 only, as the gateway's upstreams are (HTTP/2 is on the classpath for the listener)
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.create())
                .routing(routing -> routing
                        .get("/hello", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
                            res.send(HELLO);
                        })
                        .any(DemoBackend::echo))
                .build()
                .start();
        return new DemoBackend(CannotListenException.check(server, host, port));
    }

    private static void echo(ServerRequest req, ServerResponse res) throws IOException {
        long bodyBytes = 0;
        if (req.content().hasEntity()) {
            try (InputStream in = req.content().inputStream()) {
                bodyBytes = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("method", req.prologue().method().text());
        echo.put("path", req.path().rawPath());
        echo.put("query", req.query().rawValue());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : req.headers()) {
            headers.put(header.name(), new ArrayList<>(header.allValues()));
        }
        echo.put("headers", headers);
        echo.put("body_bytes", bodyBytes);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(echo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (req.prologue().method() == Method.HEAD) {
            // no body: Helidon would write the entity after the head otherwise
            res.send();
        } else {
            res.send(json);
        }
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
