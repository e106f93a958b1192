package io.gatehouse.core.proxy;

import io.gatehouse.api.Body;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.observe.RequestObserver.AttemptOutcome;
import io.gatehouse.core.observe.tracing.TraceContext;
import io.gatehouse.core.error.ClientBodyException;
import io.gatehouse.core.route.PathNormalizer;
import io.gatehouse.core.tls.UpstreamTls;
import io.gatehouse.core.upstream.Upstream;
import io.gatehouse.core.upstream.UpstreamClient;
import io.gatehouse.core.upstream.UpstreamConnection;
import io.gatehouse.core.upstream.UpstreamTimeoutException;
import io.gatehouse.core.websocket.Handshake;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The terminal stage: sends the exchange's request to an endpoint of the route's upstream and returns the upstream
 * response with its body still streaming. Nothing is buffered whole.
 */
public final class HttpProxy {

    private static final int WHOLE_BODY_LIMIT = 64 * 1024;
    private static final FailureLog FAILURES = FailureLog.perSecond();
    /** How long a tunnel's read of its upstream may wait: as long as the tunnel lives, its own timers end it. */
    private static final Duration TUNNEL_READ = Duration.ofDays(20);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final TrustedProxies trustedProxies;

    public HttpProxy(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /**
     * Forwards the request, retrying on another endpoint when that is safe: a connect failure (nothing was sent),
     * or for an idempotent request with a replayable body, a dead connection or an upstream status listed in
     * {@code retry_on_status}. Every attempt fits in the route's timeout, and every retry in the upstream's retry
     * budget. Retries happen before the response is returned, so before any byte of it reached the client.
     *
     * <p>Every endpoint chosen hears how its attempt ended exactly once: its circuit breaker a success, the
     * upstream's failure, or (for the client's failure or a cancelled call) nothing but the release of its probe.
     *
     * <p>The balancer hears of every endpoint it chose exactly once: when the attempt failed, or when the body of
     * the response ended ({@link BodyEnd}), so a streaming response counts as in flight until it is over. It hears
     * how long the upstream took to answer (to its head), not how long a client took to read the body.
     *
     * @param peer    the address of the TCP peer (for forwarding headers)
     * @param timeout the route's timeout: the longest the upstream may take to answer (its response head), all
     *                attempts included
     * @throws UpstreamFailure  502 when the upstream cannot be reached or answers garbage
     *                          ({@code upstream_bad_response}, never retried: it was answered), 504 on timeout, 503
     *                          when the upstream has no available endpoint ({@code circuit_open} with the time left
     *                          as {@code Retry-After} when open circuits are why)
     * @throws GatewayException the client's own status (400, 408, 413) when reading its body fails, counted against
     *                          no endpoint
     */
    public Response forward(GatewayExchange exchange, Upstream upstream, String peer, Duration timeout) {
        return forward(exchange, upstream, peer, timeout, null);
    }

    /**
     * Like {@link #forward(GatewayExchange, Upstream, String, Duration)}, with the route's idle timeout of event
     * streams.
     *
     * @param eventStreamIdle for a {@code text/event-stream} response, the longest pause between two reads of its
     *                        body instead of the upstream's {@code read_idle_timeout}; {@code null} for none
     */
    public Response forward(GatewayExchange exchange, Upstream upstream, String peer, Duration timeout,
                            Duration eventStreamIdle) {
        Request request = exchange.request();
        Handshake handshake = Handshake.of(exchange);
        Http1Call.Outgoing outgoing = outgoing(request, peer, handshake);
        boolean replayable = !outgoing.hasBody() || outgoing.whole() != null;
        boolean idempotent = IDEMPOTENT.contains(request.method());
        int retries = upstream.config().retries();
        Http1Call.Timeouts timeouts = new Http1Call.Timeouts(System.nanoTime() + timeout.toNanos(),
                upstream.config().readIdleTimeout(), upstream.config().writeTimeout(), eventStreamIdle);
        Set<String> tried = null;
        UpstreamFailure last = null;
        for (int attempt = 0; ; attempt++) {
            if (last != null && timeouts.headDeadline() - System.nanoTime() <= 0) {
                throw last;
            }
            Endpoint endpoint = upstream.choose(exchange, tried);
            if (endpoint == null) {
                throw last != null ? last : noEndpoint(exchange, upstream);
            }
            if (attempt == 0) {
                // a request answered without an attempt (no endpoint, circuits open) earns no retries
                upstream.retryBudget().request(System.nanoTime());
            }
            exchange.endpoint(endpoint);
            // each attempt is its own span: the upstream sees it as the parent, so retries show in the trace
            request.headers().set(TraceContext.TRACEPARENT, exchange.trace().nextAttempt());
            long start = System.nanoTime();
            try {
                Response response = send(outgoing, upstream, endpoint, timeouts);
                if (handshake != null && response.status() == 101) {
                    switched(handshake, response, upstream);
                }
                long answeredIn = System.nanoTime() - start;
                boolean failed = response.status() >= 500;
                exchange.observer().attemptDone(exchange, upstream, endpoint, attempt, start, start + answeredIn,
                        failed ? AttemptOutcome.ERROR_STATUS : AttemptOutcome.SUCCESS);
                if (failed) {
                    upstream.failed(endpoint);
                } else {
                    upstream.succeeded(endpoint);
                }
                int status = response.status();
                ((UpstreamBody) response.body()).onEnd(fault -> bodyEnded(exchange, upstream, endpoint, answeredIn,
                        status, fault));
                if (attempt < retries && idempotent && replayable
                        && upstream.config().retryOnStatus().contains(status) && mayRetry(exchange, upstream)) {
                    response.body().close();
                    last = new UpstreamFailure(UpstreamFailure.Kind.ERROR_STATUS, upstream.name(), null);
                    tried = addTried(tried, endpoint);
                    continue;
                }
                return response;
            } catch (UpstreamFailure e) {
                if (cancelled(e)) {
                    // the caller gave up on the request (a script call that ended): nobody's failure
                    attemptDone(exchange, upstream, endpoint, attempt, start, AttemptOutcome.CANCELLED);
                    completed(upstream, endpoint, System.nanoTime() - start, false);
                    upstream.circuitReleased(endpoint);
                    throw new GatewayException(499, "cancelled", "the request was cancelled", e);
                }
                attemptDone(exchange, upstream, endpoint, attempt, start, outcome(e.kind()));
                completed(upstream, endpoint, System.nanoTime() - start, true);
                upstream.failed(endpoint);
                upstream.circuitResult(endpoint, true);
                logFailure(exchange, upstream, endpoint, e.kind(), e.getCause());
                boolean again = e.kind() == UpstreamFailure.Kind.UNREACHABLE || e.kind() == UpstreamFailure.Kind.TLS
                        || (e.kind() == UpstreamFailure.Kind.BROKEN && idempotent && replayable);
                if (attempt >= retries || !again || !mayRetry(exchange, upstream)) {
                    throw e;
                }
                last = e;
                tried = addTried(tried, endpoint);
            } catch (ClientBodyException e) {
                // the client's failure: the endpoint did nothing wrong, and there is no body left to send again
                attemptDone(exchange, upstream, endpoint, attempt, start, AttemptOutcome.CANCELLED);
                completed(upstream, endpoint, System.nanoTime() - start, false);
                upstream.circuitReleased(endpoint);
                throw e.toGatewayException();
            } catch (RuntimeException | Error e) {
                attemptDone(exchange, upstream, endpoint, attempt, start, AttemptOutcome.CANCELLED);
                completed(upstream, endpoint, System.nanoTime() - start, false);
                upstream.circuitReleased(endpoint);
                throw e;
            }
        }
    }

    private static void attemptDone(GatewayExchange exchange, Upstream upstream, Endpoint endpoint, int attempt,
                                    long start, AttemptOutcome outcome) {
        exchange.observer().attemptDone(exchange, upstream, endpoint, attempt, start, System.nanoTime(), outcome);
    }

    private static AttemptOutcome outcome(UpstreamFailure.Kind kind) {
        return switch (kind) {
            case UNREACHABLE, TLS -> AttemptOutcome.UNREACHABLE;
            case TIMEOUT, STOPPED_READING -> AttemptOutcome.TIMEOUT;
            case BAD_RESPONSE -> AttemptOutcome.BAD_RESPONSE;
            case ERROR_STATUS -> AttemptOutcome.ERROR_STATUS;
            case BROKEN, NO_ENDPOINT, CIRCUIT_OPEN -> AttemptOutcome.BROKEN;
        };
    }

    /**
     * Whether a failure was the calling thread being interrupted (its caller cancelled the request) rather than the
     * upstream's doing. A socket timeout is an {@link InterruptedIOException} too, but a real one.
     */
    static boolean cancelled(Throwable failure) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.ClosedByInterruptException
                    || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the upstream's retry budget has room for one more retry (then it is counted); a retry it refuses is
     * logged, at most once a second per upstream.
     */
    private static boolean mayRetry(GatewayExchange exchange, Upstream upstream) {
        if (upstream.retryBudget().tryRetry(System.nanoTime())) {
            return true;
        }
        FAILURES.log(upstream.name() + " retry budget", () -> "upstream '" + upstream.name() + "': retry budget "
                + "spent, not retrying (request " + exchange.requestId() + ", route '" + exchange.routeId() + "')");
        return false;
    }

    static UpstreamFailure noEndpoint(GatewayExchange exchange, Upstream upstream) {
        long openMillis = upstream.circuitOpenMillis();
        if (openMillis >= 0) {
            UpstreamFailure open = UpstreamFailure.circuitOpen(upstream.name(), (openMillis + 999) / 1000);
            FAILURES.log(upstream.name() + " " + open.kind(), () -> "upstream '" + upstream.name() + "' has no "
                    + "endpoint to send to: their circuits are open or probing (request " + exchange.requestId()
                    + ", route '" + exchange.routeId() + "')");
            return open;
        }
        UpstreamFailure none = new UpstreamFailure(UpstreamFailure.Kind.NO_ENDPOINT, upstream.name(), null);
        FAILURES.log(upstream.name() + " " + none.kind(), () -> "upstream '" + upstream.name()
                + "' has no available endpoint (request " + exchange.requestId() + ", route '" + exchange.routeId()
                + "')");
        return none;
    }

    /** The body of an attempt's response ended: the balancer hears of it, and a broken body counts as a failure. */
    private static void bodyEnded(GatewayExchange exchange, Upstream upstream, Endpoint endpoint, long answeredIn,
                                  int status, IOException broken) {
        // a reader interrupted because its caller gave up (a script call that ended) is not the upstream's doing
        IOException fault = broken != null && cancelled(broken) ? null : broken;
        completed(upstream, endpoint, answeredIn, status >= 500 || fault != null);
        upstream.circuitResult(endpoint, fault != null || upstream.circuitFailure(status));
        if (fault != null) {
            upstream.failed(endpoint);
            UpstreamFailure.Kind kind = fault instanceof SocketTimeoutException ? UpstreamFailure.Kind.TIMEOUT
                    : fault instanceof BadResponseException ? UpstreamFailure.Kind.BAD_RESPONSE
                    : UpstreamFailure.Kind.BROKEN;
            FAILURES.log(upstream.name() + " " + endpoint.id() + " body " + kind, () -> "upstream '"
                    + upstream.name() + "' endpoint " + endpoint.id() + " broke off its response body: it "
                    + kind.what() + " (" + FailureLog.describe(fault) + "); the client's response was cut off"
                    + " (request " + exchange.requestId() + ", route '" + exchange.routeId() + "')");
        }
    }

    /** Tells the balancer; one that throws is a plugin's bug, which must not fail or leak the request. */
    static void completed(Upstream upstream, Endpoint endpoint, long nanos, boolean failed) {
        try {
            upstream.balancer().completed(endpoint, nanos, failed);
        } catch (RuntimeException e) {
            FAILURES.log(upstream.name() + " balancer", () -> "upstream '" + upstream.name() + "': the balancer "
                    + "failed to take a completed request (" + FailureLog.describe(e) + ")");
        }
    }

    static void logFailure(GatewayExchange exchange, Upstream upstream, Endpoint endpoint,
                                   UpstreamFailure.Kind kind, Throwable cause) {
        FAILURES.log(upstream.name() + " " + endpoint.id() + " " + kind, () -> "upstream '" + upstream.name()
                + "' endpoint " + endpoint.id() + " " + kind.what() + " (" + FailureLog.describe(cause)
                + "; request " + exchange.requestId() + ", route '" + exchange.routeId() + "')");
    }

    private static Set<String> addTried(Set<String> tried, Endpoint endpoint) {
        Set<String> next = tried == null ? new HashSet<>(4) : tried;
        next.add(endpoint.id());
        return next;
    }

    /**
     * Checks an upstream's {@code 101} to a WebSocket handshake and hands its connection to the handshake; its reads
     * now wait as long as the tunnel lives (the tunnel's idle timeout watches both directions).
     *
     * @throws UpstreamFailure 502 ({@code upstream_bad_response}) for a {@code 101} the client would have to refuse
     */
    private static void switched(Handshake handshake, Response response, Upstream upstream) {
        UpstreamConnection connection = ((UpstreamBody) response.body()).connection();
        String refusal = handshake.upgraded(response, connection, response.body());
        if (refusal != null) {
            response.body().close();
            throw new UpstreamFailure(UpstreamFailure.Kind.BAD_RESPONSE, upstream.name(),
                    new BadResponseException(refusal));
        }
        connection.timeouts(0, TUNNEL_READ, upstream.config().writeTimeout());
        connection.noDelay(); // a tunnel's frames go out as they come, not held back to coalesce
    }

    private Http1Call.Outgoing outgoing(Request request, String peer, Handshake handshake) {
        String target = PathNormalizer.encode(request.path())
                + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
        Headers headers = request.headers();
        ForwardedHeaders forwarding = ForwardedHeaders.of(headers, peer, request.scheme(),
                headers.first("Host").orElse(""), trustedProxies);
        Body body = request.body();
        long length = body.length();
        boolean hasBody = length > 0 || (length < 0 && !"GET".equals(request.method())
                && !"HEAD".equals(request.method()));
        // small bodies go out with the head in one write, and can be sent again to another endpoint
        byte[] whole = hasBody && length > 0 && length <= WHOLE_BODY_LIMIT ? readWhole(body, length) : null;
        if (handshake != null) {
            handshake.prepare(headers);
        }
        return new Http1Call.Outgoing(request.method(), null, target, headers, HopByHop.connectionTokens(headers),
                forwarding, whole, body, length, hasBody, handshake != null);
    }

    private static Response send(Http1Call.Outgoing template, Upstream upstream, Endpoint endpoint,
                                 Http1Call.Timeouts timeouts) throws ClientBodyException {
        Http1Call.Outgoing outgoing = template.withHost(hostHeader(endpoint));
        boolean replayable = !outgoing.hasBody() || outgoing.whole() != null;
        UpstreamClient client = upstream.client();
        for (int attempt = 0; ; attempt++) {
            UpstreamConnection connection;
            try {
                connection = client.connection(endpoint, attempt > 0);
            } catch (RuntimeException e) {
                // refused, timed out, no route, unknown host, TLS handshake: nothing was sent
                throw new UpstreamFailure(UpstreamTls.isHandshakeFailure(e) ? UpstreamFailure.Kind.TLS
                        : UpstreamFailure.Kind.UNREACHABLE, upstream.name(), e);
            }
            try {
                return Http1Call.exchange(connection, outgoing, timeouts, client.maxHeaderSize());
            } catch (Http1Call.BeforeResponseException e) {
                // a kept-alive connection the upstream had closed: try once more on a new one
                if (attempt == 0 && connection.reused() && replayable
                        && IDEMPOTENT.contains(outgoing.method())) {
                    continue;
                }
                throw failure(e, upstream);
            } catch (ClientBodyException e) {
                throw e;
            } catch (IOException e) {
                throw failure(e, upstream);
            }
        }
    }

    /** The endpoint's host, and its port unless the scheme's default: the URI's own string when it is just that. */
    static String hostHeader(Endpoint endpoint) {
        URI url = endpoint.url();
        int port = url.getPort();
        if (port == -1 || port == defaultPort(endpoint)) {
            return endpoint.host();
        }
        return url.getRawUserInfo() == null ? url.getRawAuthority() : endpoint.host() + ":" + port;
    }

    private static int defaultPort(Endpoint endpoint) {
        return "https".equals(endpoint.url().getScheme()) ? 443 : 80;
    }

    private static byte[] readWhole(Body body, long length) {
        byte[] bytes;
        try (InputStream in = body.stream()) {
            bytes = in.readNBytes((int) length);
        } catch (GatewayException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw Http1Call.clientFailure(e).toGatewayException();
        }
        if (bytes.length != length) {
            throw new GatewayException(400, "incomplete_body", "the request body ended after " + bytes.length
                    + " of its declared " + length + " bytes");
        }
        return bytes;
    }

    /** What an upstream's exception means, in the gateway's words; the exception itself is kept for the log. */
    private static UpstreamFailure failure(Throwable e, Upstream upstream) {
        UpstreamFailure.Kind kind = UpstreamFailure.Kind.BROKEN;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UpstreamTimeoutException timeout) {
                kind = timeout.phase() == UpstreamTimeoutException.Phase.WRITE
                        ? UpstreamFailure.Kind.STOPPED_READING : UpstreamFailure.Kind.TIMEOUT;
                break;
            }
            if (t instanceof BadResponseException) {
                kind = UpstreamFailure.Kind.BAD_RESPONSE;
                break;
            }
            if (t instanceof javax.net.ssl.SSLException) {
                // TLS 1.3: a server refuses the client certificate after the client's side of the handshake
                kind = UpstreamFailure.Kind.TLS;
                break;
            }
        }
        return new UpstreamFailure(kind, upstream.name(), e);
    }
}
