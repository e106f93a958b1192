package io.gatehouse.core.proxy;

import io.gatehouse.api.Body;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.error.ClientBodyException;
import io.gatehouse.core.route.PathNormalizer;
import io.gatehouse.core.upstream.Upstream;
import io.gatehouse.core.upstream.UpstreamClient;
import io.gatehouse.core.upstream.UpstreamConnection;
import io.helidon.http.RequestException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The terminal stage: sends the exchange's request to an endpoint of the route's upstream and returns the upstream
 * response with its body still streaming. Nothing is buffered whole.
 */
public final class HttpProxy {

    private static final int WHOLE_BODY_LIMIT = 64 * 1024;
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final TrustedProxies trustedProxies;

    public HttpProxy(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /**
     * Forwards the request, retrying on another endpoint when that is safe: a connect failure (nothing was sent),
     * or for an idempotent request with a replayable body, a dead connection or an upstream status listed in
     * {@code retry_on_status}. Every attempt fits in the route's timeout.
     *
     * @param peer    the address of the TCP peer (for forwarding headers)
     * @param timeout the route's timeout: the longest the whole exchange with the upstream may take to answer
     * @throws GatewayException 502 when the upstream cannot be reached or answers garbage
     *                          ({@code upstream_bad_response}, never retried: it was answered), 504 on timeout, 503
     *                          when the upstream has no available endpoint; the client's own status (400, 408, 413)
     *                          when reading its body fails, counted against no endpoint
     */
    public Response forward(GatewayExchange exchange, Upstream upstream, String peer, Duration timeout) {
        Request request = exchange.request();
        Http1Call.Outgoing outgoing = outgoing(request, peer);
        boolean replayable = !outgoing.hasBody() || outgoing.whole() != null;
        boolean idempotent = IDEMPOTENT.contains(request.method());
        int retries = upstream.config().retries();
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> tried = null;
        GatewayException last = null;
        for (int attempt = 0; ; attempt++) {
            Endpoint endpoint = upstream.choose(exchange, tried);
            if (endpoint == null) {
                if (last != null) {
                    throw last;
                }
                throw new GatewayException(503, "no_healthy_upstream", "upstream '" + upstream.name()
                        + "' has no available endpoint").header("Retry-After", "1");
            }
            exchange.endpoint(endpoint);
            long start = System.nanoTime();
            long left = deadline - start;
            if (left <= 0) {
                throw last != null ? last : timeout(upstream, endpoint, null);
            }
            boolean more = attempt < retries;
            try {
                Response response = send(outgoing, upstream, endpoint, Duration.ofNanos(left));
                boolean failed = response.status() >= 500;
                upstream.balancer().completed(endpoint, System.nanoTime() - start, failed);
                if (failed) {
                    upstream.failed(endpoint);
                } else {
                    upstream.succeeded(endpoint);
                }
                if (more && idempotent && replayable
                        && upstream.config().retryOnStatus().contains(response.status())) {
                    response.body().close();
                    last = new GatewayException(502, "upstream_error", "upstream '" + upstream.name() + "' ("
                            + endpoint.id() + ") answered " + response.status());
                    tried = addTried(tried, endpoint);
                    continue;
                }
                return response;
            } catch (ClientBodyException e) {
                // the client's failure: the endpoint did nothing wrong, and there is no body left to send again
                upstream.balancer().completed(endpoint, System.nanoTime() - start, false);
                throw e.toGatewayException();
            } catch (GatewayException e) {
                boolean upstreamFault = e.code().startsWith("upstream_");
                upstream.balancer().completed(endpoint, System.nanoTime() - start, upstreamFault);
                if (upstreamFault) {
                    upstream.failed(endpoint);
                }
                boolean unreachable = "upstream_unreachable".equals(e.code());
                boolean deadConnection = "upstream_error".equals(e.code()) && idempotent && replayable;
                if (!more || !(unreachable || deadConnection)) {
                    throw e;
                }
                last = e;
                tried = addTried(tried, endpoint);
            }
        }
    }

    private static Set<String> addTried(Set<String> tried, Endpoint endpoint) {
        Set<String> next = tried == null ? new HashSet<>(4) : tried;
        next.add(endpoint.id());
        return next;
    }

    private Http1Call.Outgoing outgoing(Request request, String peer) {
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
        return new Http1Call.Outgoing(request.method(), null, target, headers, HopByHop.connectionTokens(headers),
                forwarding, whole, body, length, hasBody);
    }

    private static Response send(Http1Call.Outgoing template, Upstream upstream, Endpoint endpoint,
                                 Duration timeout) throws ClientBodyException {
        Http1Call.Outgoing outgoing = template.withHost(endpoint.port() == defaultPort(endpoint) ? endpoint.host()
                : endpoint.host() + ":" + endpoint.port());
        boolean replayable = !outgoing.hasBody() || outgoing.whole() != null;
        UpstreamClient client = upstream.client();
        for (int attempt = 0; ; attempt++) {
            UpstreamConnection connection;
            try {
                connection = client.connection(endpoint, attempt > 0);
            } catch (RuntimeException e) {
                throw translate(e, upstream, endpoint);
            }
            try {
                return Http1Call.exchange(connection, outgoing, timeout, client.maxHeaderSize());
            } catch (Http1Call.BeforeResponseException e) {
                // a kept-alive connection the upstream had closed: try once more on a new one
                if (attempt == 0 && connection.reused() && replayable
                        && IDEMPOTENT.contains(outgoing.method())) {
                    continue;
                }
                throw translate(new UncheckedIOException(e), upstream, endpoint);
            } catch (ClientBodyException e) {
                throw e;
            } catch (BadResponseException e) {
                throw new GatewayException(502, "upstream_bad_response", "upstream '" + upstream.name()
                        + "' answered with a response that is not valid HTTP/1.1", e);
            } catch (IOException e) {
                throw translate(new UncheckedIOException(e), upstream, endpoint);
            }
        }
    }

    private static GatewayException timeout(Upstream upstream, Endpoint endpoint, Throwable cause) {
        return new GatewayException(504, "upstream_timeout", "upstream '" + upstream.name() + "' ("
                + endpoint.id() + ") did not answer in time", cause);
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

    private static RuntimeException translate(RuntimeException e, Upstream upstream, Endpoint endpoint) {
        if (e instanceof GatewayException g) {
            return g;
        }
        String where = "upstream '" + upstream.name() + "' (" + endpoint.id() + ")";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return timeout(upstream, endpoint, e);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return new GatewayException(502, "upstream_unreachable", where + " refused the connection", e);
            }
            if (t instanceof GatewayException g) {
                return g;
            }
            if (t instanceof RequestException r && r.status().code() == 413) {
                return new GatewayException(413, "body_too_large", "request body is larger than the limit", e);
            }
        }
        if (e instanceof UncheckedIOException || e.getCause() instanceof IOException) {
            return new GatewayException(502, "upstream_error", where + " failed: " + e.getMessage(), e);
        }
        return new GatewayException(502, "upstream_error", where + " failed", e);
    }
}
