package io.gatehouse.core.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gatehouse.core.config.AdminConfig;
import io.gatehouse.core.error.ProblemResponses;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin listener: read-only JSON views of the gateway ({@code /health}, {@code /ready}, {@code /routes},
 * {@code /upstreams}, ...). Each endpoint is a supplier of a Jackson-serialisable value; a supplier returning
 * {@code null} means "not ready" (503). When a token is configured every request must carry it as a bearer token.
 */
public final class AdminServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final WebServer server;

    private AdminServer(WebServer server) {
        this.server = server;
    }

    /** Starts the admin listener serving {@code endpoints} (path → supplier). */
    public static AdminServer start(AdminConfig config, Map<String, Supplier<Object>> endpoints) {
        byte[] token = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
        WebServer server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .routing(routing -> {
                    endpoints.forEach((path, supplier) -> routing.get(path, (req, res) -> {
                        if (authorized(req, token, res)) {
                            respond(res, supplier.get());
                        }
                    }));
                    routing.any((req, res) -> problem(res, 404, "not_found", "no admin endpoint "
                            + req.path().rawPath() + "; try " + String.join(", ", endpoints.keySet())));
                })
                .build()
                .start();
        return new AdminServer(server);
    }

    private static boolean authorized(ServerRequest req, byte[] token, ServerResponse res) {
        if (token == null) {
            return true;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        byte[] given = header.startsWith("Bearer ") ? header.substring(7).getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (MessageDigest.isEqual(given, token)) {
            return true;
        }
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        problem(res, 401, "unauthorized", "the admin API needs 'Authorization: Bearer <admin.token>'");
        return false;
    }

    private static void respond(ServerResponse res, Object value) {
        if (value == null) {
            problem(res, 503, "not_ready", "the gateway is not ready");
            return;
        }
        try {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void problem(ServerResponse res, int status, String code, String detail) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, ProblemResponses.CONTENT_TYPE);
        res.send(ProblemResponses.render(status, code, detail, RequestIds.generate(), null));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
