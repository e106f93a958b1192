package io.gatehouse.core.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.AdminEndpoint;
import io.helidon.webserver.http.Handler;
import java.util.List;
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
 * {@code null} means "not ready" (503). Plugins add their own endpoints ({@link AdminEndpoint}), mounted under their
 * names. When a token is configured every request must carry it as a bearer token.
 */
public final class AdminServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final WebServer server;

    private AdminServer(WebServer server) {
        this.server = server;
    }

    /** Starts the admin listener serving {@code endpoints} (path → supplier). */
    public static AdminServer start(AdminConfig config, Map<String, Supplier<Object>> endpoints) {
        return start(config, endpoints, List.of());
    }

    /**
     * Starts the admin listener serving {@code endpoints} (path → supplier) and the plugins' endpoints, each under
     * its name; a plugin endpoint whose name is malformed or taken is logged and left out.
     */
    public static AdminServer start(AdminConfig config, Map<String, Supplier<Object>> endpoints,
                                    List<AdminEndpoint> plugins) {
        return start(config, endpoints, plugins, Map.of());
    }

    /** A text endpoint ({@code /metrics}): given the request's {@code Accept} header (or null), the answer. */
    @FunctionalInterface
    public interface TextEndpoint {
        /**
         * @param accept the request's {@code Accept} header, or {@code null}
         * @return the answer
         */
        Text get(String accept);
    }

    /** A text answer and its content type. */
    public record Text(String contentType, String body) {
    }

    /** Like {@link #start(AdminConfig, Map, List)}, with text endpoints (path → endpoint) besides the JSON ones. */
    public static AdminServer start(AdminConfig config, Map<String, Supplier<Object>> endpoints,
                                    List<AdminEndpoint> plugins, Map<String, TextEndpoint> texts) {
        byte[] token = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
        java.util.Set<String> corePaths = new java.util.LinkedHashSet<>(endpoints.keySet());
        corePaths.addAll(texts.keySet());
        Map<String, AdminEndpoint> mounted = mountable(corePaths, plugins);
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
                    texts.forEach((path, text) -> routing.get(path, (req, res) -> {
                        if (authorized(req, token, res)) {
                            Text answer = text.get(req.headers().first(HeaderNames.ACCEPT).orElse(null));
                            res.header(HeaderNames.CONTENT_TYPE, answer.contentType());
                            res.send(answer.body().getBytes(StandardCharsets.UTF_8));
                        }
                    }));
                    mounted.forEach((name, endpoint) -> {
                        Handler handler = (req, res) -> {
                            if (authorized(req, token, res)) {
                                PluginEndpoints.serve(endpoint, req, res);
                            }
                        };
                        routing.any("/" + name, handler);
                        routing.any("/" + name + "/*", handler);
                    });
                    routing.any((req, res) -> problem(res, 404, "not_found", "no admin endpoint "
                            + req.path().rawPath() + "; try " + String.join(", ", corePaths)));
                })
                .build()
                .start();
        return new AdminServer(server);
    }

    /** @return the plugin endpoints by name, without those whose name is malformed or taken */
    private static Map<String, AdminEndpoint> mountable(java.util.Set<String> corePaths, List<AdminEndpoint> plugins) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        corePaths.forEach(path -> taken.add(path.split("/")[1]));
        Map<String, AdminEndpoint> mounted = new java.util.LinkedHashMap<>();
        for (AdminEndpoint endpoint : plugins) {
            String name = endpoint.name();
            if (name == null || !name.matches("[a-z][a-z0-9_-]*")) {
                LOG.log(System.Logger.Level.WARNING, "admin endpoint {0} of a plugin has a malformed name {1}; not "
                        + "mounted", endpoint.getClass().getName(), name);
            } else if (!taken.add(name)) {
                LOG.log(System.Logger.Level.WARNING, "admin endpoint /{0} of {1} is taken already; not mounted", name,
                        endpoint.getClass().getName());
            } else {
                mounted.put(name, endpoint);
            }
        }
        return mounted;
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

    static void problem(ServerResponse res, int status, String code, String detail) {
        res.status(status);
        String requestId = RequestIds.generate();
        res.header(HeaderNames.CONTENT_TYPE, ProblemResponses.CONTENT_TYPE);
        res.header(RequestIds.HEADER, requestId);
        res.send(ProblemResponses.render(status, code, detail, requestId, null));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
