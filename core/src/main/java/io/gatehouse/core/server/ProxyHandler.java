package io.gatehouse.core.server;

import io.gatehouse.api.Body;
import io.gatehouse.api.Completion;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.QueryString;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.FilterChain;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.error.ClientBodyException;
import io.gatehouse.core.error.ProblemResponses;
import io.gatehouse.core.generation.Generation;
import io.gatehouse.core.generation.GenerationHolder;
import io.gatehouse.core.generation.InFlight;
import io.gatehouse.core.generation.RouteRuntime;
import io.gatehouse.core.observe.tracing.TraceContext;
import io.gatehouse.core.proxy.FailureLog;
import io.gatehouse.core.proxy.ForwardedHeaders;
import io.gatehouse.core.proxy.HopByHop;
import io.gatehouse.core.proxy.UpstreamFailure;
import io.gatehouse.core.route.Match;
import io.gatehouse.core.route.PathNormalizer;
import io.gatehouse.core.tls.ClientCertificate;
import io.gatehouse.core.websocket.Handshake;

import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * What the listener does with a request once its head is read: normalise the path, match a route, run its chain
 * and hand the response to the connection to write, all inside one config generation. Every failure becomes a
 * problem document carrying the request id; requests refused before routing still pass the global filters, so
 * they are logged like any other.
 */
final class ProxyHandler {

    /** Headers a client's {@code Connection} header cannot remove: they frame and address the request. */
    private static final java.util.Set<String> MESSAGE_HEADERS = java.util.Set.of("host", "content-length",
            "transfer-encoding");

    private static final System.Logger LOG = System.getLogger(ProxyHandler.class.getName());
    /** The gateway's own 5xx answers (a script timing out, say): one line per route, code and second. */
    private static final FailureLog FAILURES = FailureLog.perSecond();

    /** Writes the response to the client and says how that went. */
    @FunctionalInterface
    interface ResponseSink {
        Completion send(GatewayExchange exchange, Response response);
    }

    /**
     * Where a request came from.
     *
     * @param certificate the client certificate verified by the TLS handshake, or {@code null}
     */
    record Peer(String address, boolean secure, ClientCertificate certificate) {
        Peer(String address, boolean secure) {
            this(address, secure, null);
        }
    }

    private final GenerationHolder generations;
    private final Integer maxConcurrentRequests;
    private final InFlight inFlight = new InFlight();

    /**
     * @param maxConcurrentRequests {@code server.limits.max_concurrent_requests}: the most requests served on the
     *                              routes at once, or {@code null} for no limit
     */
    ProxyHandler(GenerationHolder generations, Integer maxConcurrentRequests) {
        this.generations = generations;
        this.maxConcurrentRequests = maxConcurrentRequests;
    }

    void handle(RequestHead head, Body body, Peer peer, ResponseSink sink) {
        long start = System.nanoTime();
        Generation generation = generations.acquire();
        try {
            serve(generation, head, body, peer, sink, start);
        } finally {
            generation.exit();
        }
    }

    /** Answers a request the listener refused (malformed, over a limit) through the global filters. */
    void refuse(RequestHead head, Peer peer, GatewayException e, ResponseSink sink) {
        long start = System.nanoTime();
        Generation generation = generations.acquire();
        try {
            RequestHead known = head != null ? head
                    : new RequestHead("-", "-", "", false, new Headers(), 0);
            GatewayExchange exchange = refused(generation, known, Body.empty(), peer, start);
            complete(exchange, sink.send(exchange, runAroundError(generation, exchange, e)));
        } finally {
            generation.exit();
        }
    }

    private void serve(Generation generation, RequestHead head, Body body, Peer peer, ResponseSink sink,
                       long start) {
        String method = head.method();
        Headers headers = head.headers();
        String path;
        Match<RouteRuntime> match;
        try {
            path = PathNormalizer.normalize(head.rawPath());
            String rawQuery = head.rawQuery();
            match = generation.routes().match(method, stripPort(headers.first("Host").orElse("")), path,
                    name -> headers.first(name).orElse(null), name -> QueryString.first(rawQuery, name));
        } catch (GatewayException e) {
            // the target as sent, so the log shows what was refused
            GatewayExchange exchange = refused(generation, head, body, peer, start);
            complete(exchange, sink.send(exchange, runAroundError(generation, exchange, e)));
            return;
        }
        GatewayExchange exchange;
        Response response;
        switch (match) {
            case Match.Found<RouteRuntime> found -> {
                Handshake upgrade;
                try {
                    upgrade = webSocket(generation, found.rule().target(), head);
                } catch (GatewayException e) {
                    exchange = exchange(generation, head, path, body, peer, found.rule().id(), found.params(), start);
                    exchange.closeConnection();
                    response = runAroundError(generation, exchange, e);
                    break;
                }
                exchange = exchange(generation, head, path, body, peer, found.rule().id(), found.params(), start);
                if (upgrade == null) {
                    serveRoute(generation, found.rule().target(), exchange, sink);
                    return;
                }
                exchange.attributes().put(Handshake.ATTRIBUTE, upgrade);
                try {
                    serveRoute(generation, found.rule().target(), exchange, sink);
                } finally {
                    upgrade.release();
                }
                return;
            }
            case Match.MethodNotAllowed notAllowed -> {
                exchange = exchange(generation, head, path, body, peer, "", Map.of(), start);
                response = runAroundError(generation, exchange, new GatewayException(405, "method_not_allowed",
                        "method " + method + " is not allowed on " + path)
                        .header("Allow", String.join(", ", notAllowed.allow())));
            }
            case Match.NotFound<RouteRuntime> notFound -> {
                exchange = exchange(generation, head, path, body, peer, "", Map.of(), start);
                response = runAroundError(generation, exchange,
                        new GatewayException(404, "route_not_found", "no route matches " + path));
            }
        }
        complete(exchange, sink.send(exchange, response));
    }

    /**
     * The handshake of a WebSocket request ({@code Upgrade: websocket}), checked before the route's filters run;
     * {@code null} for any other request. Other upgrades ({@code h2c}) are not answered: {@code Upgrade} is
     * hop-by-hop, so the request is served as plain HTTP/1.1 (RFC 9110 §7.8 lets a server ignore it).
     *
     * @throws GatewayException the refusal (400, 403, 426, 503) when the route or the handshake does not allow it
     */
    private Handshake webSocket(Generation generation, RouteRuntime route, RequestHead head) {
        if (!Handshake.requested(head.headers())) {
            return null;
        }
        return Handshake.accept(route.config().id(), route.config().websocket(), generation, generations.tunnels(),
                head.method(), head.http10(), head.headers(), head.headers().first("Host").orElse(""));
    }

    /**
     * Runs a route's chain and sends its response, unless the gateway or the route already serves as many requests
     * as it may: then the answer is {@code 503 overloaded} at once, and the connection is closed. A request counts
     * until its response has been sent or its client has gone away.
     */
    private void serveRoute(Generation generation, RouteRuntime route, GatewayExchange exchange,
                            ResponseSink sink) {
        Integer routeMax = route.config().maxConcurrentRequests();
        boolean global = maxConcurrentRequests != null;
        if (global && !inFlight.tryEnter(maxConcurrentRequests)) {
            shed(generation, exchange, sink, "the gateway is serving as many requests as it may");
            return;
        }
        try {
            if (routeMax != null && !route.inFlight().tryEnter(routeMax)) {
                shed(generation, exchange, sink, "the route is serving as many requests as it may");
                return;
            }
            try {
                complete(exchange, sink.send(exchange, runChain(route.chain(), exchange)));
            } finally {
                if (routeMax != null) {
                    route.inFlight().exit();
                }
            }
        } finally {
            if (global) {
                inFlight.exit();
            }
        }
    }

    /** Sheds a request: 503 through the global filters (so it is logged), then the connection closes. */
    private static void shed(Generation generation, GatewayExchange exchange, ResponseSink sink, String why) {
        exchange.closeConnection();
        FAILURES.log("overloaded " + exchange.routeId(), () -> "shedding requests on route '" + exchange.routeId()
                + "': " + why + " (request " + exchange.requestId() + ")");
        complete(exchange, sink.send(exchange, runAroundError(generation, exchange,
                new GatewayException(503, "overloaded", why + "; try again later").header("Retry-After", "1"))));
    }

    /**
     * The exchange of a request refused before routing: filters see path "/", the log and the problem's
     * {@code instance} the target as sent without its query, which may hold a credential ({@code ?api_key=},
     * {@code ?access_token=}) that no route had the chance to remove.
     */
    private static GatewayExchange refused(Generation generation, RequestHead head, Body body, Peer peer,
                                           long start) {
        String target = head.target();
        int query = target.indexOf('?');
        return exchange(generation, head, "/", query < 0 ? target : target.substring(0, query), body, peer, "",
                Map.of(), start);
    }

    private static GatewayExchange exchange(Generation generation, RequestHead head, String path, Body body,
                                            Peer peer, String routeId, Map<String, String> params, long start) {
        return exchange(generation, head, path, path, body, peer, routeId, params, start);
    }

    private static GatewayExchange exchange(Generation generation, RequestHead head, String path,
                                            String reportedPath, Body body, Peer peer, String routeId,
                                            Map<String, String> params, long start) {
        Headers headers = head.headers();
        // The headers the client's Connection header names belong to its own hop: they end here, before any filter
        // runs, and so does Connection. Left for the proxy to strip, a client could name the headers the gateway
        // itself sets for the upstream (X-Consumer-Id, X-Request-Id, a forwarded claim) and have them removed.
        for (String token : HopByHop.connectionTokens(headers)) {
            if (!MESSAGE_HEADERS.contains(token)) { // they describe the request itself, not the hop
                headers.remove(token);
            }
        }
        headers.remove("Connection");
        // before any filter runs, so no filter and no upstream sees a client's claim to be someone else
        generation.identityHeaders().removeUnlessTrusted(headers, peer.address());
        String clientIp = ForwardedHeaders.clientIp(peer.address(), headers, generation.trustedProxies());
        String requestId = RequestIds.fromOrNew(headers.first(RequestIds.HEADER).orElse(null));
        // before any filter runs: a malformed traceparent is gone, and the trace id is known to every problem
        TraceContext trace = TraceContext.intake(headers, generation.config().tracing().sampleRatio());
        Request request = new Request(head.method(), peer.secure() ? "https" : "http",
                stripPort(headers.first("Host").orElse("")), path, head.rawQuery(), headers, body);
        GatewayExchange exchange = new GatewayExchange(requestId, request, routeId, params, clientIp,
                peer.address(), start, reportedPath);
        exchange.trace(trace);
        ClientCertificate.intake(peer.certificate(), headers, exchange, generation.config().server().tls());
        return exchange;
    }

    private static void complete(GatewayExchange exchange, Completion completion) {
        exchange.complete(completion);
    }

    /** Global filters (access log, request id, ...) also see requests that fail before a route is found. */
    private static Response runAroundError(Generation generation, GatewayExchange exchange, GatewayException e) {
        FilterChain chain = new FilterChain(generation.globalFilters(), ex -> {
            throw e;
        }, generation.unroutedObserver());
        return runChain(chain, exchange);
    }

    private static Response runChain(FilterChain chain, GatewayExchange exchange) {
        try {
            return chain.run(exchange);
        } catch (GatewayException e) {
            if (isUpstreamFailure(e)) {
                exchange.upstreamFailed();
            }
            // an upstream's failure was logged where it happened, with the endpoint and the cause
            if (e.status() >= 500 && !(e instanceof UpstreamFailure)) {
                FAILURES.log(exchange.routeId() + " " + e.code(), () -> "request " + exchange.requestId()
                        + " on route '" + exchange.routeId() + "': " + e.getMessage());
            }
            return ProblemResponses.of(e, exchange.requestId(), exchange.trace().traceId(),
                    exchange.originalPath());
        } catch (Exception | Error e) {
            ClientBodyException clientFault = clientFault(e);
            if (clientFault != null) {
                return ProblemResponses.of(clientFault.toGatewayException(), exchange.requestId(),
                        exchange.trace().traceId(), exchange.originalPath());
            }
            String site = exchange.filterFailureSite(e);
            LOG.log(Level.ERROR, "request " + exchange.requestId() + " on route '" + exchange.routeId()
                    + "' failed" + (site == null ? "" : " in " + site), e);
            return ProblemResponses.of(500, "internal_error", "the gateway failed to handle the request",
                    exchange.requestId(), exchange.trace().traceId(), exchange.originalPath());
        }
    }

    private static boolean isUpstreamFailure(GatewayException e) {
        return e.code().startsWith("upstream_") || e.code().equals("no_healthy_upstream")
                || e.code().equals("circuit_open");
    }

    /** A filter that read the body and failed because of the client is the client's failure, not a 500. */
    private static ClientBodyException clientFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientBodyException c) {
                return c;
            }
        }
        return null;
    }

    static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }
}
