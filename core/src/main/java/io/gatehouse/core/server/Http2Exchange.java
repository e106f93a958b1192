package io.gatehouse.core.server;

import io.gatehouse.api.Body;
import io.gatehouse.api.Completion;
import io.gatehouse.api.Completion.Outcome;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.error.ClientBodyException;
import io.gatehouse.core.error.ProblemResponses;
import io.gatehouse.core.proxy.FailureLog;
import io.gatehouse.core.proxy.HopByHop;
import io.helidon.http.DateTime;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseTrailers;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Serves the streams of HTTP/2 connections: each request Helidon's HTTP/2 connection decoded becomes a
 * {@link RequestHead} and a streamed {@link Body}, goes through {@link ProxyHandler} exactly as an HTTP/1 request
 * does, and the gateway's {@link Response} becomes the stream's answer. Helidon runs every stream on a virtual thread
 * of its own, so the streams of one connection run their chains side by side.
 *
 * <p>What HTTP/1 framing checks on the wire is checked here on the decoded request: connection-specific fields are
 * malformed in HTTP/2 (RFC 9113 §8.2.2) → 400; a target over {@code server.limits.max_request_line} → 414; the header
 * list (every field counted as RFC 9113 §6.5.2 does, cookie
 * crumbs each on their own, before they are joined with {@code "; "} for the upstream) over
 * {@code server.http2.max_header_list_size} → 431; a body over {@code server.limits.max_body_size} → 413, one that
 * does not match its {@code content-length} → 400, one that stalls past {@code server.timeouts.body_idle} → 408.
 */
final class Http2Exchange implements Handler {

    private static final FailureLog FAILURES = FailureLog.perSecond();
    private static final int BUFFER = 32 * 1024;
    /** RFC 9113 §8.2.2: fields that describe a connection, malformed in an HTTP/2 request. */
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");
    /** What RFC 9113 §6.5.2 adds to every field's name and value. */
    private static final int FIELD_OVERHEAD = 32;
    private static final int MAX_FIELDS = 256;
    /** The most bytes of an unread request body dropped after the response, as HTTP/1's lingering close does. */
    private static final long DRAIN_BYTES = 64L * 1024 * 1024;

    private final Listener listener;
    private final long maxRequestLine;
    private final long maxHeaderListSize;
    private final Http2Listener connections;

    Http2Exchange(Listener listener, long maxRequestLine, long maxHeaderListSize, Http2Listener connections) {
        this.listener = listener;
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderListSize = maxHeaderListSize;
        this.connections = connections;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Stream stream = new Stream(req, res);
        try (Http2Listener.Busy busy = connections.streamStarted(req.remotePeer(), req.id())) {
            serve(req, res, busy, stream);
        } finally {
            if (stream.cut) {
                // Helidon reads what is left of the request body once the handler returns, and would wait for ever
                // on a stream the client reset (or a gRPC client still sending): the interrupt ends that read
                Thread.currentThread().interrupt();
            }
        }
    }

    private void serve(ServerRequest req, ServerResponse res, Http2Listener.Busy busy, Stream stream) {
        ProxyHandler.Peer peer = new ProxyHandler.Peer(req.remotePeer().host(), req.isSecure(), req.isSecure()
                ? io.gatehouse.core.tls.ClientCertificate.of(() -> Http2Context.certificates(req.remotePeer()))
                : null);
        RequestHead head;
        Body body;
        // known first, so that even a request refused for its head gets a gRPC answer
        stream.grpc = GrpcReplies.isGrpc(req.headers().first(HeaderNames.CONTENT_TYPE));
        try {
            head = head(req);
            body = stream.body(head);
        } catch (WireException e) {
            listener.handler().refuse(e.head(), peer, e.toGatewayException(), stream::send);
            stream.end(busy.reset());
            return;
        }
        ClientBodyException gone = busy.resetEarly()
                ? ClientBodyException.aborted(new IOException("the client reset the stream")) : stream.clientGone();
        if (gone != null) {
            // reset before its request was read (a rapid reset): logged, and no work started for it upstream
            listener.handler().refuse(head, peer, gone.toGatewayException(), stream::send);
            stream.end(busy.reset());
            return;
        }
        listener.handler().handle(head, body, peer,
                (exchange, response) -> stream.send(exchange, response).withBytesReceived(stream.bytesRead()));
        stream.end(busy.reset());
    }

    /** The request as the gateway's HTTP/1 parser would have produced it. */
    private RequestHead head(ServerRequest req) {
        String method = req.prologue().method().text();
        String path = req.prologue().uriPath().rawPath();
        String query = req.prologue().query().rawValue();
        String authority = Objects.requireNonNullElse(req.authority(), "");
        long size = FIELD_OVERHEAD * 4L + ":method:scheme:path:authority".length() + method.length() + 5
                + path.length() + (query.isEmpty() ? 0 : query.length() + 1) + authority.length();
        RequestHead known = new RequestHead(method, path, query, false, new Headers(), size);
        // what would be HTTP/1's request line ("GET /path?query HTTP/1.1") meets the same limit
        if (method.length() + path.length() + query.length() + 12 > maxRequestLine) {
            throw new WireException(414, "uri_too_long", "request line is longer than the limit", known);
        }
        if (!path.startsWith("/") || !visibleAscii(path) || !visibleAscii(query)) {
            throw new WireException(400, "bad_request", "the :path must be an origin-form target", known);
        }
        Headers headers = new Headers();
        List<String> cookies = new ArrayList<>(0);
        int fields = 0;
        for (Header header : req.headers()) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (CONNECTION_SPECIFIC.contains(name)) {
                throw new WireException(400, "bad_request", "the connection-specific header " + name
                        + " is not allowed in HTTP/2", known);
            }
            for (String value : header.allValues()) {
                size += FIELD_OVERHEAD + name.length() + value.length();
                if (size > maxHeaderListSize || ++fields > MAX_FIELDS) {
                    throw new WireException(431, "headers_too_large", "request headers are larger than the limit "
                            + "of " + maxHeaderListSize + " bytes", known);
                }
                if (name.equals("cookie")) {
                    cookies.add(value);
                } else if (!name.equals("host")) { // :authority is the host (RFC 9113 §8.3.1)
                    add(headers, name, value, known);
                }
            }
        }
        if (!cookies.isEmpty()) {
            add(headers, "cookie", String.join("; ", cookies), known);
        }
        // the same host rules as HTTP/1's Host: a request naming no host, or userinfo, or a bad port, is refused
        String host = !authority.isEmpty() ? authority : req.headers().first(HeaderNames.HOST).orElse("");
        if (host.isEmpty()) {
            throw new WireException(400, "bad_request", "an HTTP/2 request must name its host (:authority or Host)",
                    known);
        }
        try {
            RequestHeadParser.checkHost(host);
        } catch (WireException e) {
            throw new WireException(400, "bad_request", "the :authority is not a valid host", known);
        }
        add(headers, "Host", host, known);
        return new RequestHead(method, path, query, false, headers, size);
    }

    private static void add(Headers headers, String name, String value, RequestHead known) {
        try {
            headers.add(name, value);
        } catch (IllegalArgumentException e) {
            throw new WireException(400, "bad_request", "the header " + name + " has an invalid name or value",
                    known);
        }
    }

    private static boolean visibleAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** One stream: its request body and its response. */
    private final class Stream {
        private final ServerRequest req;
        private final ServerResponse res;
        private Http2Body body;
        private boolean head;
        private boolean abort;
        /** Whether what is left of the request body must not be read: the client reset the stream, or a gRPC call. */
        private boolean cut;
        /** A gRPC call ({@code application/grpc}): a message stream, answered with trailers. */
        private boolean grpc;

        Stream(ServerRequest req, ServerResponse res) {
            this.req = req;
            this.res = res;
        }

        Body body(RequestHead requestHead) {
            head = requestHead.method().equals("HEAD");
            long declared = contentLength(requestHead);
            // a gRPC call's stream has no total limit: the transport bounds each message (max_message_size)
            long max = grpc ? Long.MAX_VALUE : listener.maxBodySize();
            if (declared > max) {
                throw new WireException(413, "body_too_large", "request body of " + declared
                        + " bytes is larger than the limit of " + listener.maxBodySize(), requestHead);
            }
            if (declared == 0) {
                return Body.empty();
            }
            body = new Http2Body(req.content().inputStream(), declared, max,
                    listener.watchdog(), grpc ? 0 : listener.timeouts().bodyIdle().toNanos());
            if (grpc) {
                // a call's messages: the client may send its first one only after the server spoke (bidi)
                return Body.of(body, declared);
            }
            // with no content-length, only reading tells whether the stream carries a body at all: a GET must not
            // reach the upstream with an empty chunked one
            if (declared < 0 && body.peekEnd()) {
                return Body.empty();
            }
            return Body.of(body, declared);
        }

        /** The same rules as HTTP/1's {@code Content-Length} ({@link RequestFraming}). */
        private static long contentLength(RequestHead head) {
            try {
                return RequestFraming.contentLength(head.headers().all("content-length"));
            } catch (WireException e) {
                throw e.with(head);
            }
        }

        /** @return the client's abort, if it reset the stream before its body could be read */
        ClientBodyException clientGone() {
            ClientBodyException failure = body == null ? null : body.failure();
            return failure != null && failure.status() == ClientBodyException.CLIENT_CLOSED ? failure : null;
        }

        long bytesRead() {
            return body == null ? 0 : body.bytesRead();
        }

        Completion send(GatewayExchange exchange, Response response) {
            ClientBodyException failure = body == null ? null : body.failure();
            if (failure != null && failure.status() == ClientBodyException.CLIENT_CLOSED) {
                response.body().close();
                abort = true; // nothing to answer: the stream is reset
                return new Completion(ClientBodyException.CLIENT_CLOSED, 0, duration(exchange),
                        Outcome.CLIENT_ABORTED, Optional.of(failure));
            }
            if (grpc) {
                response = GrpcReplies.of(response);
            }
            String unsendable = unsendableHeader(response);
            if (unsendable != null) {
                response.body().close();
                FAILURES.log("hpack " + exchange.routeId(), () -> "request " + exchange.requestId() + " on route '"
                        + exchange.routeId() + "': response header '" + unsendable + "' cannot be encoded for an"
                        + " HTTP/2 client (Helidon 4.2's HPACK encoder); answered 502 instead");
                response = ProblemResponses.of(502, "upstream_bad_response", "the response has a header ('"
                        + unsendable + "') this gateway cannot send over HTTP/2; HTTP/1.1 clients get it",
                        exchange.requestId(), exchange.trace().traceId(), exchange.originalPath());
            }
            exchange.observer().responding(exchange, response);
            Body out = response.body();
            long length = out.length();
            int status = response.status();
            res.status(Status.create(status));
            response.headers().forEach((name, value) -> {
                if (!HopByHop.isHopByHop(name) && !name.equalsIgnoreCase("Content-Length")
                        && !name.equalsIgnoreCase("Date")) {
                    res.headers().add(HeaderNames.create(name.toLowerCase(Locale.ROOT)), value);
                }
            });
            res.header(HeaderNames.DATE, response.headers().first("Date").orElseGet(DateTime::rfc1123String));
            if (!ResponseWriter.hasBody(status, head)) {
                if (head && status >= 200 && status != 204 && status != 304) {
                    // the upstream's answer to HEAD declares the length of the GET it stands for
                    String declared = response.headers().first("Content-Length")
                            .orElse(length >= 0 ? Long.toString(length) : null);
                    if (declared != null) {
                        res.header(HeaderNames.CONTENT_LENGTH, declared);
                    }
                }
                out.close();
                return writeEmpty(exchange, status);
            }
            if (length >= 0) {
                res.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
            }
            return stream(exchange, response, out, length);
        }

        private Completion writeEmpty(GatewayExchange exchange, int status) {
            try {
                res.send();
                return completion(exchange, status, 0, null, false);
            } catch (RuntimeException e) {
                return completion(exchange, status, 0, e, true);
            }
        }

        /** Streams the body, flushing after every read of it, so what the upstream wrote reaches the client. */
        private Completion stream(GatewayExchange exchange, Response response, Body body, long length) {
            int status = response.status();
            long written = 0;
            OutputStream out = null;
            try (InputStream in = body.stream()) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) != -1; ) {
                    if (n == 0) {
                        continue;
                    }
                    if (length >= 0 && written + n > length) {
                        throw new IOException("the response body is longer than its length " + length);
                    }
                    try {
                        if (out == null) {
                            out = res.outputStream();
                            // Helidon announces a trailer to clients that accept them; the gateway sends none
                            res.headers().remove(HeaderNames.TRAILER);
                        }
                        out.write(buffer, 0, n);
                        // a body of known length that is complete goes out with the end of the stream
                        if (length < 0 || written + n < length) {
                            out.flush();
                        }
                    } catch (IOException | RuntimeException e) {
                        body.close();
                        abort = true;
                        return completion(exchange, status, written, e, true);
                    }
                    written += n;
                }
                if (length >= 0 && written != length) {
                    throw new IOException("the response body ended after " + written + " of " + length + " bytes");
                }
            } catch (IOException | RuntimeException e) {
                // reading the body failed: the upstream's doing (or a filter's stream)
                body.close();
                if (out == null && res instanceof RoutingResponse routing && routing.reset()) {
                    return answerInstead(exchange, e);
                }
                abort = true;
                return completion(exchange, status, written, e, false);
            }
            try {
                trailers(exchange, response);
                if (out == null) {
                    res.send();
                } else {
                    out.close();
                    if (res instanceof RoutingResponse routing) {
                        routing.commit(); // the end of the stream goes out now, before the exchange is reported
                    }
                }
            } catch (IOException | RuntimeException e) {
                abort = true;
                return completion(exchange, status, written, e, true);
            }
            return completion(exchange, status, written, null, false);
        }

        /**
         * The response's trailers, complete now that its body ended, for a client that accepts them ({@code TE:
         * trailers}); Helidon sends them after the last DATA frame. Connection-specific fields are not sent.
         */
        private void trailers(GatewayExchange exchange, Response response) {
            if (!response.hasTrailers() || !req.headers().contains(HeaderValues.TE_TRAILERS)) {
                return;
            }
            response.trailers().first("grpc-status").ifPresent(exchange::grpcStatus);
            ServerResponseTrailers trailers = res.trailers();
            response.trailers().forEach((name, value) -> {
                if (!HopByHop.isHopByHop(name) && !name.equalsIgnoreCase("Content-Length")) {
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (HpackLimit.encodable(lower) && HpackLimit.encodable(value)) {
                        trailers.add(HeaderNames.create(lower), value);
                    } else {
                        // the body went out already: the trailer is left out rather than the connection lost
                        FAILURES.log("hpack trailer " + exchange.routeId(), () -> "request " + exchange.requestId()
                                + " on route '" + exchange.routeId() + "': trailer '" + name + "' cannot be encoded"
                                + " for an HTTP/2 client (Helidon 4.2's HPACK encoder); left out");
                    }
                }
            });
        }

        /** @return the first header of {@code response} Helidon's HPACK encoder cannot write, or {@code null} */
        private static String unsendableHeader(Response response) {
            String[] found = new String[1];
            response.headers().forEach((name, value) -> {
                if (found[0] == null && !HopByHop.isHopByHop(name)
                        && (!HpackLimit.encodable(name.toLowerCase(Locale.ROOT)) || !HpackLimit.encodable(value))) {
                    found[0] = name;
                }
            });
            return found[0];
        }

        /** The response broke before a byte went out: the client still gets a clean answer. */
        private Completion answerInstead(GatewayExchange exchange, Throwable error) {
            FAILURES.log("incomplete " + exchange.routeId(), () -> "request " + exchange.requestId() + " on route '"
                    + exchange.routeId() + "': the response broke before it was sent: " + error.getMessage());
            Response problem = ProblemResponses.of(502, "upstream_error", "the upstream response was incomplete",
                    exchange.requestId(), exchange.trace().traceId(), exchange.originalPath());
            Completion sent = send(exchange, problem);
            return new Completion(502, sent.bytesSent(), duration(exchange), Outcome.UPSTREAM_FAILED,
                    Optional.of(error));
        }

        /** After the exchange: a response that broke half-way resets the stream rather than end it as if whole. */
        void end(boolean reset) {
            if (body != null && !body.ended() && (grpc || reset || clientGone() != null)) {
                // a gRPC call is over (its trailers went out) while the client still streams: reset the stream, as a
                // gRPC server does, rather than wait for the client to finish; a reset stream sends nothing more
                abort = true;
                cut = true;
            } else if (body != null) {
                body.drain(DRAIN_BYTES);
            }
            if (abort) {
                // on an HTTP/2 stream, Helidon answers this one with RST_STREAM (and leaves the connection alone)
                throw new CloseConnectionException("the response is incomplete: resetting the stream");
            }
        }

        private static Completion completion(GatewayExchange exchange, int status, long bytes, Throwable error,
                                             boolean clientFault) {
            Outcome outcome = error != null
                    ? (clientFault ? Outcome.CLIENT_ABORTED : Outcome.UPSTREAM_FAILED)
                    : (exchange.hasUpstreamFailed() ? Outcome.UPSTREAM_FAILED : Outcome.OK);
            return new Completion(status, bytes, duration(exchange), outcome, Optional.ofNullable(error));
        }

        private static Duration duration(GatewayExchange exchange) {
            return Duration.ofNanos(System.nanoTime() - exchange.startNanos());
        }
    }
}
