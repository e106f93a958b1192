package io.gatehouse.core.server;

import io.gatehouse.api.AdminEndpoint;
import io.gatehouse.core.admin.AdminAuth;
import io.gatehouse.core.admin.AdminOperation;
import io.gatehouse.core.admin.AdminReply;
import io.gatehouse.core.admin.AdminRequest;
import io.gatehouse.core.config.AdminConfig;
import io.gatehouse.core.error.ProblemResponses;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin listener: the core's {@link AdminOperation}s, the plugins' {@link AdminEndpoint}s (mounted under their
 * names), text endpoints by path (such as {@code /metrics}) and the dashboard's files. Every request needs a configured bearer token ({@link AdminAuth}) unless none is configured; {@code GET}
 * needs any token, other methods a read-write one (text endpoints: any token). A refusal is a problem: 401 with
 * {@code WWW-Authenticate: Bearer} for a missing or unknown token (logged at WARNING with the client's address),
 * 403 for a read-only token that writes. Before any of it, {@link AdminFraming} refuses requests whose body
 * framing is ambiguous (closing the connection) and answers {@code HEAD} with 405.
 */
public final class AdminServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    /** The largest request body accepted (413 beyond). */
    static final int MAX_BODY = 1024 * 1024;

    private final WebServer server;

    private AdminServer(WebServer server) {
        this.server = server;
    }

    /** Starts the admin listener serving read-only {@code endpoints} (path → JSON view). */
    public static AdminServer start(AdminConfig config, Map<String, Supplier<Object>> endpoints) {
        return start(config, endpoints, List.of());
    }

    /** Starts the admin listener serving read-only {@code endpoints} (path → JSON view) and the plugins' ones. */
    public static AdminServer start(AdminConfig config, Map<String, Supplier<Object>> endpoints,
                                    List<AdminEndpoint> plugins) {
        List<AdminOperation> operations = new ArrayList<>();
        endpoints.forEach((path, view) -> operations.add(new AdminOperation("GET", path, r -> {
            Object value = view.get();
            return value == null ? AdminReply.problem(503, "not_ready", "the gateway is not ready", r.requestId())
                    : AdminReply.json(200, value);
        })));
        return start(config, operations, plugins, Map.of());
    }

    /**
     * A text answer ({@code /metrics}).
     *
     * @param contentType its media type
     * @param body        the text
     */
    public record Text(String contentType, String body) {
    }

    /**
     * Starts the admin listener.
     *
     * @param operations the core's endpoints
     * @param plugins    the plugins' endpoints, each under its name; one whose name is malformed or taken is logged
     *                   and left out
     * @param texts      text endpoints by path ({@code /metrics}): given the request's {@code Accept} (or
     *                   {@code null}), the answer; behind any token
     * @throws CannotListenException if the port cannot be bound
     */
    public static AdminServer start(AdminConfig config, List<AdminOperation> operations, List<AdminEndpoint> plugins,
                                    Map<String, Function<String, Text>> texts) {
        AdminAuth auth = new AdminAuth(config.allTokens());
        Set<String> corePaths = new LinkedHashSet<>();
        operations.forEach(op -> corePaths.add(op.template()));
        corePaths.addAll(texts.keySet());
        Map<String, AdminEndpoint> mounted = mountable(corePaths, plugins);
        DashboardAssets dashboard = new DashboardAssets();
        CannotListenException.checkBindable(config.host(), config.port());
        WebServer server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                // HTTP/1 only: the guards read Host, which HTTP/2 (an h2c upgrade) would carry as :authority
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.create())
                .routing(routing -> {
                    routing.addFilter(new AdminFraming()); // before everything: framing, HEAD
                    dashboard.register(routing); // static files only, no data: served without the token
                    texts.forEach((path, endpoint) -> routing.any(path, (req, res) -> {
                        if (caller(auth, req, res, false) != null) {
                            Text text = endpoint.apply(req.headers().first(HeaderNames.ACCEPT).orElse(null));
                            res.header(HeaderNames.CONTENT_TYPE, text.contentType());
                            res.send(text.body());
                        }
                    }));
                    mounted.forEach((name, endpoint) -> {
                        Handler handler = (req, res) -> {
                            String method = req.prologue().method().text();
                            boolean write = !method.equals("GET") && !method.equals("HEAD");
                            if (caller(auth, req, res, write) != null) {
                                PluginEndpoints.serve(endpoint, req, res);
                            }
                        };
                        routing.any("/" + name, handler);
                        routing.any("/" + name + "/*", handler);
                    });
                    routing.any((req, res) -> dispatch(operations, auth, req, res));
                })
                .build()
                .start();
        return new AdminServer(CannotListenException.check(server, config.host(), config.port()));
    }

    private static void dispatch(List<AdminOperation> operations, AdminAuth auth, ServerRequest req,
                                 ServerResponse res) {
        String method = req.prologue().method().text();
        String path = req.path().rawPath();
        Set<String> allowed = new LinkedHashSet<>();
        for (AdminOperation operation : operations) {
            Map<String, String> params;
            try {
                params = operation.match(path);
            } catch (IllegalArgumentException e) {
                problem(res, 400, "bad_path", "malformed percent-encoding in " + path);
                return;
            }
            if (params == null) {
                continue;
            }
            if (!operation.method().equals(method)) {
                allowed.add(operation.method());
                continue;
            }
            AdminAuth.Caller caller = caller(auth, req, res, operation.write());
            if (caller != null) {
                serve(operation, params, caller, req, res);
            }
            return;
        }
        if (!allowed.isEmpty()) {
            res.header(HeaderNames.ALLOW, String.join(", ", allowed));
            problem(res, 405, "method_not_allowed", method + " " + path + " is not supported; try "
                    + String.join(", ", allowed));
            return;
        }
        Set<String> paths = new LinkedHashSet<>();
        operations.forEach(op -> paths.add(op.template()));
        problem(res, 404, "not_found", "no admin endpoint " + path + "; try " + String.join(", ", paths));
    }

    private static void serve(AdminOperation operation, Map<String, String> params, AdminAuth.Caller caller,
                              ServerRequest req, ServerResponse res) {
        byte[] body = new byte[0];
        if (operation.write()) {
            try (InputStream in = req.content().inputStream()) {
                body = in.readNBytes(MAX_BODY + 1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (body.length > MAX_BODY) {
                res.header(HeaderNames.CONNECTION, "close");
                problem(res, 413, "body_too_large", "the body is larger than " + MAX_BODY + " bytes");
                return;
            }
        }
        String requestId = RequestIds.generate();
        AdminRequest request = new AdminRequest(operation.method(), params,
                name -> combined(req, name), body, caller, requestId);
        AdminReply reply;
        try {
            reply = operation.handler().handle(request);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "admin " + operation.method() + " " + operation.template() + " failed", e);
            reply = AdminReply.problem(500, "admin_failed", "the admin endpoint failed; see the gateway's log",
                    requestId);
        }
        res.status(reply.status());
        res.header(HeaderNames.CONTENT_TYPE, reply.contentType());
        if (reply.contentType().equals(ProblemResponses.CONTENT_TYPE)) {
            res.header(RequestIds.HEADER, requestId);
        }
        reply.headers().forEach((name, value) -> res.header(HeaderNames.create(name), value));
        res.send(reply.body());
    }

    /**
     * @return the values of a header, several lines combined into one list as RFC 9110 §5.3 says
     *         ({@code If-Match: "a"} and {@code If-Match: "b"} mean {@code If-Match: "a", "b"}); {@code null} for none
     */
    private static String combined(ServerRequest req, String name) {
        List<String> values = req.headers().all(HeaderNames.create(name), List::of);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /**
     * @return who sent the request, or {@code null} after answering 401 or 403
     */
    private static AdminAuth.Caller caller(AdminAuth auth, ServerRequest req, ServerResponse res, boolean write) {
        String refusal = BrowserGuard.refusal(auth.open(), req.headers().first(HeaderNames.HOST).orElse(null),
                req.headers().first(HeaderNames.ORIGIN).orElse(null),
                req.headers().first(HeaderNames.create("Sec-Fetch-Site")).orElse(null));
        if (refusal != null) {
            LOG.log(Level.WARNING, "admin API: {0} {1} from {2} refused: {3}", req.prologue().method().text(),
                    req.path().rawPath(), req.remotePeer().address(), refusal);
            problem(res, 403, "cross_origin_refused", refusal);
            return null;
        }
        AdminAuth.Caller caller = auth.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        if (caller == null) {
            boolean sent = req.headers().contains(HeaderNames.AUTHORIZATION);
            LOG.log(Level.WARNING, "admin API: {0} {1} from {2} refused: {3}", req.prologue().method().text(),
                    req.path().rawPath(), req.remotePeer().address(), sent ? "unknown token" : "no token");
            res.header(HeaderNames.WWW_AUTHENTICATE, sent ? "Bearer realm=\"gatehouse-admin\", error=\"invalid_token\""
                    : "Bearer realm=\"gatehouse-admin\"");
            problem(res, 401, "unauthorized", "the admin API needs 'Authorization: Bearer <token>' with a token "
                    + "from admin.tokens or admin.token");
            return null;
        }
        if (write && !caller.mayWrite()) {
            problem(res, 403, "forbidden", "token '" + caller.name() + "' is read-only; this needs a read_write "
                    + "token");
            return null;
        }
        return caller;
    }

    /** @return the plugin endpoints by name, without those whose name is malformed or taken */
    private static Map<String, AdminEndpoint> mountable(Set<String> corePaths, List<AdminEndpoint> plugins) {
        Set<String> taken = new HashSet<>();
        corePaths.forEach(path -> taken.add(path.split("/")[1]));
        taken.add(DashboardAssets.PATH.substring(1));
        Map<String, AdminEndpoint> mounted = new LinkedHashMap<>();
        for (AdminEndpoint endpoint : plugins) {
            String name = endpoint.name();
            if (name == null || !name.matches("[a-z][a-z0-9_-]*")) {
                LOG.log(Level.WARNING, "admin endpoint {0} of a plugin has a malformed name {1}; not mounted",
                        endpoint.getClass().getName(), name);
            } else if (!taken.add(name)) {
                LOG.log(Level.WARNING, "admin endpoint /{0} of {1} is taken already; not mounted", name,
                        endpoint.getClass().getName());
            } else {
                mounted.put(name, endpoint);
            }
        }
        return mounted;
    }

    static void problem(ServerResponse res, int status, String code, String detail) {
        res.status(status);
        String requestId = RequestIds.generate();
        res.header(HeaderNames.CONTENT_TYPE, ProblemResponses.CONTENT_TYPE);
        res.header(RequestIds.HEADER, requestId);
        res.send(ProblemResponses.render(status, code, detail, requestId, null));
    }

    /** @return the port it listens on */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
