package io.gatehouse.core.proxy;

import io.gatehouse.api.Body;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.route.PathNormalizer;
import io.gatehouse.core.upstream.Upstream;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.RequestException;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1ClientRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The terminal stage: sends the exchange's request to an endpoint of the route's upstream and returns the upstream
 * response with its body still streaming. Nothing is buffered whole.
 */
public final class HttpProxy {

    private static final int WHOLE_BODY_LIMIT = 1024 * 1024;
    private static final int COPY_BUFFER = 64 * 1024;

    private final TrustedProxies trustedProxies;

    public HttpProxy(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /**
     * Forwards the request.
     *
     * @param peer    the address of the TCP peer (for forwarding headers)
     * @param timeout the longest wait for the upstream to answer (and between two reads of its body)
     * @throws GatewayException 502 when the upstream cannot be reached or answers garbage, 504 on timeout, 503
     *                          when the upstream has no endpoint
     */
    public Response forward(GatewayExchange exchange, Upstream upstream, String peer, Duration timeout) {
        Endpoint endpoint = upstream.choose(exchange);
        exchange.endpoint(endpoint);
        long start = System.nanoTime();
        try {
            Response response = send(exchange, upstream, endpoint, peer, timeout);
            upstream.balancer().completed(endpoint, System.nanoTime() - start, response.status() >= 500);
            return response;
        } catch (RuntimeException e) {
            upstream.balancer().completed(endpoint, System.nanoTime() - start, true);
            throw e;
        }
    }

    private Response send(GatewayExchange exchange, Upstream upstream, Endpoint endpoint, String peer,
                          Duration timeout) {
        Request request = exchange.request();
        String target = endpoint.id() + PathNormalizer.encode(request.path())
                + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
        Http1ClientRequest outbound = upstream.client().http()
                .method(Method.create(request.method()))
                .uri(target)
                .skipUriEncoding(true)
                .readTimeout(timeout);
        try {
            outbound.connection(upstream.client().connection(endpoint, timeout));
        } catch (RuntimeException e) {
            throw translate(e, upstream, endpoint);
        }

        Headers headers = request.headers().copy();
        String clientHost = headers.first("Host").orElse("");
        HopByHop.strip(headers);
        headers.remove("Host");
        headers.remove("Content-Length");
        headers.remove("Expect");
        ForwardedHeaders.apply(headers, peer, request.scheme(), clientHost, trustedProxies);
        Body body = request.body();
        long length = body.length();
        boolean hasBody = length > 0 || (length < 0 && !"GET".equals(request.method())
                && !"HEAD".equals(request.method()));
        // Helidon 4.2's client keeps Content-Length only for a body written in one call (a second write switches
        // it to chunked), so bodies of known, modest length are sent whole; larger ones stream chunked.
        byte[] whole = hasBody && length > 0 && length <= WHOLE_BODY_LIMIT ? readWhole(body, length) : null;
        outbound.headers(h -> {
            headers.forEach((name, value) -> h.add(HeaderNames.create(name), value));
            if (whole != null) {
                h.contentLength(whole.length);
            }
        });

        HttpClientResponse answer;
        try {
            if (whole != null) {
                answer = outbound.outputStream(out -> {
                    out.write(whole);
                    out.close();
                });
            } else if (hasBody) {
                answer = outbound.outputStream(out -> copyBody(body, out));
            } else {
                answer = outbound.request();
            }
        } catch (RuntimeException e) {
            throw translate(e, upstream, endpoint);
        }
        return adapt(answer, request.method());
    }

    private static byte[] readWhole(Body body, long length) {
        try (InputStream in = body.stream()) {
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length != length) {
                throw new GatewayException(400, "incomplete_body", "the request body ended after " + bytes.length
                        + " of its declared " + length + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new GatewayException(400, "incomplete_body", "reading the request body failed: "
                    + e.getMessage(), e);
        }
    }

    private static void copyBody(Body body, OutputStream out) throws IOException {
        try (InputStream in = body.stream()) {
            byte[] buffer = new byte[COPY_BUFFER];
            boolean first = true;
            for (int n; (n = in.read(buffer)) != -1; ) {
                if (n == 0) {
                    continue;
                }
                // Helidon 4.2 holds on to the first array written without copying it: never hand it ours
                out.write(first ? Arrays.copyOf(buffer, n) : buffer, 0, n);
                first = false;
            }
        }
        out.close();
    }

    private static Response adapt(HttpClientResponse answer, String method) {
        Headers headers = new Headers();
        long length = -1;
        for (Header header : answer.headers()) {
            HeaderName name = header.headerName();
            if (name.equals(HeaderNames.CONTENT_LENGTH)) {
                length = parseLength(header.get());
                continue;
            }
            String text = header.name();
            if (HopByHop.isHopByHop(text)) {
                continue;
            }
            List<String> values = header.allValues();
            for (String value : values) {
                headers.add(text, value);
            }
        }
        int status = answer.status().code();
        boolean noBody = "HEAD".equals(method) || status == 204 || status == 304 || status < 200;
        if (noBody) {
            answer.close();
            Response response = new Response(status, headers, Body.empty());
            if (length >= 0 && "HEAD".equals(method)) {
                response.headers().set("Content-Length", Long.toString(length));
            }
            return response;
        }
        return new Response(status, headers, new UpstreamBody(answer, length));
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static RuntimeException translate(RuntimeException e, Upstream upstream, Endpoint endpoint) {
        if (e instanceof GatewayException g) {
            return g;
        }
        String where = "upstream '" + upstream.name() + "' (" + endpoint.id() + ")";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return new GatewayException(504, "upstream_timeout", where + " did not answer in time", e);
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

    /** An upstream response body; closing it returns (or discards) the connection. */
    private static final class UpstreamBody implements Body {
        private final HttpClientResponse answer;
        private final long length;
        private boolean taken;

        private UpstreamBody(HttpClientResponse answer, long length) {
            this.answer = answer;
            this.length = length;
        }

        @Override
        public InputStream stream() {
            if (taken) {
                throw new IllegalStateException("body stream already taken");
            }
            taken = true;
            return answer.inputStream();
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public void close() {
            answer.close();
        }
    }
}
