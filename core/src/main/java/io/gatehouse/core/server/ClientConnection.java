package io.gatehouse.core.server;

import io.gatehouse.api.Body;
import io.gatehouse.api.Completion;
import io.gatehouse.api.Completion.Outcome;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.error.ClientBodyException;
import io.gatehouse.core.error.ProblemResponses;
import io.gatehouse.core.proxy.FailureLog;
import io.gatehouse.core.proxy.HopByHop;
import io.gatehouse.core.tls.ClientCertificate;
import io.gatehouse.core.websocket.ClientSide;
import io.gatehouse.core.websocket.Handshake;
import io.gatehouse.core.websocket.Tunnel;
import io.gatehouse.core.wire.ReadTurn;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * One client connection of the public listener, speaking HTTP/1.1 and 1.0 with the gateway's own framing rules
 * (see docs/security.md): reads a head, decides the body's framing, serves the request, writes the response
 * re-framed, and either keeps the connection for the next request or closes it. The connection is closed after
 * every refusal, after {@code Connection: close}, and whenever the request body was not read to its end, so bytes
 * the gateway did not parse as a request are never parsed as one.
 */
final class ClientConnection implements ServerConnection {

    private static final FailureLog FAILURES = FailureLog.perSecond();
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final long LINGER_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long LINGER_IDLE_NANOS = Duration.ofMillis(250).toNanos();
    private static final long LINGER_BYTES = 64L * 1024 * 1024;

    private final ConnectionContext ctx;
    private final Listener listener;
    /** A fresh one for each request that starts with nothing buffered (see {@link #pull()}). */
    private DataReader reader;
    /** Helidon's reader of the connection, holding the first bytes it looked at; dropped once they are taken. */
    private DataReader first;
    private final ProxyHandler.Peer peer;
    private final ConnectionWatchdog.Deadline deadline;
    private final ResponseWriter writer;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean idle = true;
    private volatile boolean closing;
    private volatile Thread thread;
    private volatile boolean tunnelling;

    ClientConnection(ConnectionContext ctx, Listener listener) {
        this.ctx = ctx;
        this.listener = listener;
        this.first = ctx.dataReader();
        this.reader = new DataReader(this::pull);
        this.peer = new ProxyHandler.Peer(ctx.remotePeer().host(), ctx.isSecure(),
                ctx.isSecure() ? ClientCertificate.of(ctx.remotePeer()::tlsCertificates) : null);
        this.deadline = listener.watchdog().register(this::closeSocket);
        this.writer = new ResponseWriter(ctx.dataWriter(), deadline, listener.timeouts().write().toNanos());
    }

    @Override
    public void handle(Limit limit) {
        try {
            if (!listener.connections().open(peer.address())) {
                listener.refusedConnection(peer.address());
                return;
            }
            thread = Thread.currentThread();
            listener.active().add(this);
            try {
                serveRequests();
            } finally {
                listener.active().remove(this);
                listener.connections().close(peer.address());
            }
        } finally {
            listener.watchdog().unregister(deadline);
        }
    }

    /**
     * At a drain's deadline: ends the stream of unknown length being sent, if any ({@link ResponseWriter#endStream}).
     */
    boolean endStream() {
        closing = true;
        return writer.endStream();
    }

    /** After a drain's deadline: closes the socket and interrupts whatever the connection still waits for. */
    void abort() {
        closing = true;
        closeSocket();
        Thread serving = thread;
        if (serving != null) {
            serving.interrupt();
        }
    }

    private void serveRequests() {
        // a new connection must start its request within the head timeout; between requests, the idle timeout
        Duration waitForRequest = listener.timeouts().requestHead();
        while (!closing) {
            idle = true;
            if (reader.available() == 0) {
                // Helidon's reader drops a consumed buffer node without clearing its link to the next one, so the
                // node a keep-alive connection waits on, once promoted by a young collection, would keep every
                // later node of the reader alive from the old generation until a full collection (the heap filled
                // with read buffers at megabytes a second under load). A reader per request ends the chain.
                reader = new DataReader(this::pull);
                ReadTurn.yieldBeforeRead(); // nothing pipelined: the next request is seldom there yet
            }
            deadline.arm("idle", waitForRequest.toNanos());
            if (!awaitBytes() || closing) {
                return;
            }
            idle = false;
            lastActivity = System.nanoTime();
            deadline.arm("head", listener.timeouts().requestHead().toNanos());
            if (!serveOne()) {
                return;
            }
            waitForRequest = listener.timeouts().keepAliveIdle();
        }
    }

    /** The connection's next bytes: first those Helidon's reader holds, then the socket's. */
    private byte[] pull() {
        DataReader held = first;
        if (held != null) {
            int n = held.available();
            if (n > 0) {
                return held.readBytes(n);
            }
            first = null;
        }
        try {
            return ctx.serverSocket().get();
        } catch (UncheckedIOException e) {
            throw new ServerConnectionException("Failed to get data from socket", e); // as Helidon's reader does
        }
    }

    private boolean awaitBytes() {
        try {
            reader.ensureAvailable();
            return true;
        } catch (RuntimeException e) {
            return false; // the client closed, or stayed idle past the timeout
        }
    }

    /** @return whether the connection stays open for another request */
    private boolean serveOne() {
        RequestHead head;
        RequestFraming framing;
        try {
            head = listener.parser().read(reader);
            try {
                framing = RequestFraming.of(head, listener.maxBodySize());
                checkExpect(head);
                checkNotGrpc(head);
            } catch (WireException e) {
                throw e.with(head);
            }
        } catch (WireException e) {
            deadline.disarm();
            refuse(e.head(), e.toGatewayException(), true);
            return false;
        } catch (RuntimeException e) {
            // the client went away or was too slow in the middle of a head
            if (deadline.expired() != null) {
                refuse(null, new GatewayException(408, "request_timeout", "the request head took too long"), false);
            }
            return false;
        }
        deadline.disarm();
        Exchange exchange = new Exchange(head, framing);
        listener.handler().handle(head, exchange.body(), peer,
                (served, response) -> exchange.send(served, response).withBytesReceived(exchange.bytesRead()));
        return exchange.keepAlive;
    }

    /**
     * gRPC is HTTP/2 only: its status travels in trailers, which an HTTP/1.1 response would lose, leaving the client
     * a 200 with no outcome. A gRPC request over HTTP/1.1 is refused (gRPC-Web, made for HTTP/1.1, is not gRPC's
     * content type).
     */
    private static void checkNotGrpc(RequestHead head) {
        if (GrpcReplies.isGrpc(head.headers().first("Content-Type"))) {
            throw new WireException(505, "http_version_not_supported", "gRPC needs HTTP/2: h2c with prior knowledge "
                    + "on this port, or h2 over TLS (gRPC-Web works over HTTP/1.1)", null);
        }
    }

    /** Only {@code 100-continue} is a known expectation (RFC 9110 §10.1.1); anything else is 417. */
    private static void checkExpect(RequestHead head) {
        for (String expect : head.headers().all("Expect")) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                throw new WireException(417, "expectation_failed", "the only expectation supported is "
                        + "100-continue", null);
            }
        }
    }

    /**
     * Answers a refused request through the global filters (so it is logged) and closes: what follows on the
     * wire is not trusted to start a request.
     */
    private void refuse(RequestHead head, GatewayException e, boolean answer) {
        listener.handler().refuse(head, peer, e, (exchange, response) -> {
            if (!answer) {
                // the client was too slow to be answered: its failure
                response.body().close();
                return new Completion(response.status(), 0, duration(exchange), Outcome.CLIENT_ABORTED,
                        Optional.empty());
            }
            ResponseWriter.Result result = writer.write(response, new ResponseWriter.Framing(
                    head != null && head.method().equals("HEAD"), head != null && head.http10(), true));
            return completion(exchange, response.status(), result);
        });
        if (answer) {
            linger();
        }
    }

    /** One request being served: its body and how its response goes out. */
    private final class Exchange implements ClientBody.Connection {
        private final RequestHead head;
        private final RequestFraming framing;
        private final ClientBody body;
        private final boolean wantsClose;
        private boolean continuePending;
        private boolean keepAlive;

        Exchange(RequestHead head, RequestFraming framing) {
            this.head = head;
            this.framing = framing;
            if (!framing.hasBody()) {
                body = null;
            } else if (framing.chunked()) {
                body = new ChunkedBody(reader, this, listener.maxBodySize(), listener.maxHeaderSize());
            } else {
                body = new ClientBody.Fixed(reader, this, framing.length());
            }
            continuePending = body != null && !head.http10() && head.headers().contains("Expect");
            Set<String> tokens = HopByHop.connectionTokens(head.headers());
            wantsClose = head.http10() ? !tokens.contains("keep-alive") : tokens.contains("close");
        }

        Body body() {
            return body == null ? Body.empty() : Body.of(body, framing.length());
        }

        long bytesRead() {
            return body == null ? 0 : body.bytesRead();
        }

        @Override
        public void beforeRead() {
            if (continuePending) {
                continuePending = false;
                ctx.dataWriter().writeNow(BufferData.create(CONTINUE));
            }
            deadline.arm("body", listener.timeouts().bodyIdle().toNanos());
        }

        @Override
        public void afterRead() {
            deadline.disarm();
        }

        @Override
        public String expired() {
            return deadline.expired();
        }

        Completion send(GatewayExchange exchange, Response response) {
            ClientBodyException failure = body == null ? null : body.failure();
            if (failure != null && failure.status() == ClientBodyException.CLIENT_CLOSED) {
                response.body().close();
                return new Completion(ClientBodyException.CLIENT_CLOSED, 0, duration(exchange),
                        Outcome.CLIENT_ABORTED, Optional.of(failure));
            }
            if (response.status() == 101) {
                keepAlive = false;
                return switchProtocols(exchange, response);
            }
            boolean head = this.head.method().equals("HEAD");
            boolean bodyUnread = body != null && !body.complete();
            boolean closeDelimited = this.head.http10() && response.body().length() < 0
                    && ResponseWriter.hasBody(response.status(), head);
            boolean close = wantsClose || closing || bodyUnread || closeDelimited || exchange.closesConnection();
            exchange.observer().responding(exchange, response);
            ResponseWriter.Result result = writer.write(response,
                    new ResponseWriter.Framing(head, this.head.http10(), close));
            if (result.bytes() < 0) {
                // the response failed before a byte went out: the client still gets a clean answer
                return answerInstead(exchange, result.error());
            }
            keepAlive = !close && result.error() == null;
            if (close && result.error() == null && !closeDelimited && (bodyUnread || reader.available() > 0)) {
                linger();
            }
            return completion(exchange, response.status(), result);
        }

        /**
         * A {@code 101}: the connection becomes a WebSocket tunnel for as long as it lasts, provided the upstream
         * really switched (a filter's own 101 is answered with 502: nothing upstream would take the frames).
         */
        private Completion switchProtocols(GatewayExchange exchange, Response response) {
            Handshake upgrade = Handshake.of(exchange);
            if (upgrade == null || !upgrade.isUpgraded()) {
                response.body().close();
                return answerInstead(exchange, new IOException("a 101 response to a request that was not upgraded"));
            }
            exchange.observer().responding(exchange, response);
            deadline.disarm();
            tunnelling = true;
            Tunnel.Result result = upgrade.tunnel(response, new TunnelClient(), exchange.requestId());
            return new Completion(101, result.bytesToClient(), duration(exchange), result.upstreamFault() == null
                    ? Outcome.OK : Outcome.UPSTREAM_FAILED, Optional.ofNullable(result.upstreamFault()));
        }

        private Completion answerInstead(GatewayExchange exchange, Throwable error) {
            FAILURES.log("incomplete " + exchange.routeId(), () -> "request " + exchange.requestId() + " on route '"
                    + exchange.routeId() + "': the response broke before it was sent: " + error.getMessage());
            Response problem = ProblemResponses.of(502, "upstream_error", "the upstream response was incomplete",
                    exchange.requestId(), exchange.trace().traceId(), exchange.originalPath());
            ResponseWriter.Result result = writer.write(problem, new ResponseWriter.Framing(
                    head.method().equals("HEAD"), head.http10(), true));
            keepAlive = false;
            return new Completion(502, Math.max(0, result.bytes()), duration(exchange),
                    Outcome.UPSTREAM_FAILED, Optional.of(error));
        }
    }

    /** This connection as a WebSocket tunnel uses it: its writes bounded by the write timeout, as responses are. */
    private final class TunnelClient implements ClientSide {

        @Override
        public DataReader reader() {
            return reader;
        }

        @Override
        public void write(BufferData data) {
            deadline.arm("write", listener.timeouts().write().toNanos());
            try {
                ctx.dataWriter().writeNow(data);
            } finally {
                deadline.disarm();
            }
        }

        @Override
        public void close() {
            closeSocket();
        }
    }

    /**
     * Before closing after a response, reads and drops what the client is still sending, so that closing with
     * unread bytes does not reset the connection before the client has read the response (nginx's lingering
     * close). It ends when the client closes, pauses for {@link #LINGER_IDLE_NANOS}, or after a few seconds.
     */
    private void linger() {
        long dropped = 0;
        long end = System.nanoTime() + LINGER_NANOS;
        try {
            while (dropped < LINGER_BYTES && end - System.nanoTime() > 0) {
                deadline.arm("linger", Math.min(LINGER_IDLE_NANOS, end - System.nanoTime()));
                reader.ensureAvailable();
                int n = reader.available();
                reader.skip(n);
                dropped += n;
            }
        } catch (RuntimeException e) {
            // the client closed, or paused long enough
        } finally {
            deadline.disarm();
        }
    }

    /** How a written response ended: whose failure a broken write or body was. */
    private static Completion completion(GatewayExchange exchange, int status, ResponseWriter.Result result) {
        Outcome outcome = result.error() != null
                ? (result.clientFault() ? Outcome.CLIENT_ABORTED : Outcome.UPSTREAM_FAILED)
                : (exchange.hasUpstreamFailed() ? Outcome.UPSTREAM_FAILED : Outcome.OK);
        return new Completion(status, Math.max(0, result.bytes()), duration(exchange), outcome,
                Optional.ofNullable(result.error()));
    }

    private static Duration duration(GatewayExchange exchange) {
        return Duration.ofNanos(System.nanoTime() - exchange.startNanos());
    }

    private void closeSocket() {
        ctx.serverSocket().close();
    }

    @Override
    public Duration idleTime() {
        return idle ? Duration.ofNanos(System.nanoTime() - lastActivity) : Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
        closing = true;
        // a tunnel is closed by its close handshake (1001) when a drain begins; its socket only at the deadline
        if (idle || tunnelling && !listener.draining()) {
            closeSocket();
        }
    }
}
