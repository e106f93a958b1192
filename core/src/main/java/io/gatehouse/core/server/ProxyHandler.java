package io.gatehouse.core.server;

import io.gatehouse.api.Body;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.FilterChain;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.error.ProblemResponses;
import io.gatehouse.core.generation.Generation;
import io.gatehouse.core.generation.GenerationHolder;
import io.gatehouse.core.generation.RouteRuntime;
import io.gatehouse.core.proxy.ForwardedHeaders;
import io.gatehouse.core.proxy.TrustedProxies;
import io.gatehouse.core.route.Match;
import io.gatehouse.core.route.PathNormalizer;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The one Helidon handler of the public listener: normalises the path, matches a route, runs its chain and writes
 * the response. Every failure becomes a problem document carrying the request id.
 */
final class ProxyHandler implements Handler {

    private static final System.Logger LOG = System.getLogger(ProxyHandler.class.getName());

    private final GenerationHolder generations;
    private final long maxHeaderSize;
    private final long maxBodySize;

    ProxyHandler(GenerationHolder generations, long maxHeaderSize, long maxBodySize) {
        this.generations = generations;
        this.maxHeaderSize = maxHeaderSize;
        this.maxBodySize = maxBodySize;
    }

    /**
     * The header bound given to Helidon's parser: above ours, so that requests between the two get our 431
     * rather than Helidon's undetailed 400.
     */
    static int parserHeaderLimit(long maxHeaderSize) {
        return (int) Math.min(Integer.MAX_VALUE, maxHeaderSize * 2 + 8192);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long start = System.nanoTime();
        String requestId = RequestIds.fromOrNew(req.headers().first(RequestIds.HEADER).orElse(null));
        Generation generation = generations.acquire();
        try {
            serve(generation, req, res, requestId, start);
        } finally {
            generation.exit();
        }
    }

    private void serve(Generation generation, ServerRequest req, ServerResponse res, String requestId, long start) {
        String method = req.prologue().method().text();
        String rawPath = req.path().rawPath();
        String peer = peer(req.remotePeer().address());
        Headers headers = new Headers();
        long headerBytes = copyHeaders(req, headers);
        TrustedProxies trusted = generation.trustedProxies();
        String clientIp = ForwardedHeaders.clientIp(peer, headers, trusted);
        String hostHeader = headers.first("Host").orElse("");
        Incoming incoming;
        String path;
        Match<RouteRuntime> match;
        try {
            if (headerBytes > maxHeaderSize) {
                throw new GatewayException(431, "headers_too_large", "request headers are " + headerBytes
                        + " bytes, more than the limit of " + maxHeaderSize);
            }
            checkDeclaredLength(req);
            path = PathNormalizer.normalize(rawPath);
            UriQuery query = req.query();
            match = generation.routes().match(method, stripPort(hostHeader), path,
                    name -> headers.first(name).orElse(null),
                    name -> query.contains(name) ? query.first(name).orElse("") : null);
        } catch (GatewayException e) {
            path = "/";
            match = null;
            incoming = newRequest(req, method, hostHeader, path, headers);
            GatewayExchange exchange = new GatewayExchange(requestId, incoming.request(), "", Map.of(), clientIp,
                    peer, start);
            respond(res, exchange, runAroundError(generation, exchange, e), method, null);
            return;
        }
        incoming = newRequest(req, method, hostHeader, path, headers);
        Request request = incoming.request();
        switch (match) {
            case Match.Found<RouteRuntime> found -> {
                GatewayExchange exchange = new GatewayExchange(requestId, request, found.rule().id(),
                        found.params(), clientIp, peer, start);
                respond(res, exchange, runChain(found.rule().target().chain(), exchange), method,
                        incoming.limited());
            }
            case Match.MethodNotAllowed notAllowed -> {
                GatewayExchange exchange = new GatewayExchange(requestId, request, "", Map.of(), clientIp, peer, start);
                GatewayException e = new GatewayException(405, "method_not_allowed",
                        "method " + method + " is not allowed on " + path)
                        .header("Allow", String.join(", ", notAllowed.allow()));
                respond(res, exchange, runAroundError(generation, exchange, e), method, null);
            }
            case Match.NotFound<RouteRuntime> notFound -> {
                GatewayExchange exchange = new GatewayExchange(requestId, request, "", Map.of(), clientIp, peer, start);
                GatewayException e = new GatewayException(404, "route_not_found", "no route matches " + path);
                respond(res, exchange, runAroundError(generation, exchange, e), method, null);
            }
        }
    }

    /** Global filters (access log, request id, ...) also see requests that fail before a route is found. */
    private static Response runAroundError(Generation generation, GatewayExchange exchange, GatewayException e) {
        FilterChain chain = new FilterChain(generation.globalFilters(), ex -> {
            throw e;
        });
        return runChain(chain, exchange);
    }

    private static Response runChain(FilterChain chain, GatewayExchange exchange) {
        try {
            return chain.run(exchange);
        } catch (GatewayException e) {
            if (e.status() >= 500) {
                LOG.log(Level.WARNING, "request " + exchange.requestId() + " on route '" + exchange.routeId()
                        + "': " + e.getMessage(), e.getCause());
            }
            return ProblemResponses.of(e, exchange.requestId(), exchange.originalPath());
        } catch (Exception | Error e) {
            LOG.log(Level.ERROR, "request " + exchange.requestId() + " on route '" + exchange.routeId()
                    + "' failed", e);
            return ProblemResponses.of(500, "internal_error", "the gateway failed to handle the request",
                    exchange.requestId(), exchange.originalPath());
        }
    }

    private static void respond(ServerResponse res, GatewayExchange exchange, Response response, String method,
                                LimitedInputStream limited) {
        if (limited != null && limited.exceeded()) {
            limited.drain();
        }
        if (response.status() == 413) {
            // the rest of an oversized body is not worth reading to keep the connection
            res.header(io.helidon.http.HeaderNames.CONNECTION, "close");
        }
        ResponseWriter.Result result = ResponseWriter.write(res, response, "HEAD".equals(method));
        exchange.complete(new GatewayExchange.Completion(response.status(), result.bytes(),
                System.nanoTime() - exchange.startNanos(), result.error()));
        if (result.error() != null) {
            // The response was already under way: the only honest signal left is to break the connection.
            throw new ResponseAbortedException(result.error());
        }
    }

    /** The request as filters see it, and the length-guarded body stream when the length is unknown. */
    private record Incoming(Request request, LimitedInputStream limited) {
    }

    private Incoming newRequest(ServerRequest req, String method, String host, String path, Headers headers) {
        Body body;
        LimitedInputStream limited = null;
        if (req.content().hasEntity()) {
            OptionalLong length = req.headers().contentLength();
            if (length.isPresent()) {
                body = Body.of(req.content().inputStream(), length.getAsLong());
            } else {
                limited = new LimitedInputStream(req.content().inputStream(), maxBodySize);
                body = Body.of(limited, -1);
            }
        } else {
            body = Body.empty();
        }
        String rawQuery = req.query().rawValue();
        Request request = new Request(method, req.isSecure() ? "https" : "http", stripPort(host), path,
                rawQuery == null ? "" : rawQuery, headers, body);
        return new Incoming(request, limited);
    }

    /** A declared length over the limit is refused before a byte of the body is read. */
    private void checkDeclaredLength(ServerRequest req) {
        OptionalLong length = req.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > maxBodySize) {
            throw new GatewayException(413, "body_too_large", "request body of " + length.getAsLong()
                    + " bytes is larger than the limit of " + maxBodySize);
        }
    }


    /** Copies the request headers; returns the size of the header block (for the 431 limit). */
    private static long copyHeaders(ServerRequest req, Headers headers) {
        long size = 0;
        for (Header header : req.headers()) {
            String name = header.name();
            for (String value : header.allValues()) {
                size += name.length() + value.length() + 4;
                headers.add(name, value);
            }
        }
        return size;
    }

    private static String peer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
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
