package io.gatehouse.core.proxy;

import io.gatehouse.api.Body;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;
import io.gatehouse.api.Transport;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.TrackedBody;
import io.gatehouse.core.observe.RequestObserver.AttemptOutcome;
import io.gatehouse.core.observe.tracing.TraceContext;
import io.gatehouse.core.upstream.Upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The terminal stage of a route whose upstream names a {@link Transport}: the endpoint is chosen as for HTTP
 * (discovery, health, balancer, circuit breakers), and the transport sends the request. One attempt: a transport's
 * call is not retried on another endpoint.
 *
 * <p>The endpoint hears how the attempt went once: the transport's {@link Transport#failed} verdict on the response
 * it returned, or a failure for a {@link GatewayException} of 502, 503 or 504 or any other exception; a
 * {@link GatewayException} of another status is the client's doing and counts against nobody. The balancer hears of
 * the attempt when the response body ends, so a streaming call counts as in flight until it is over.
 */
public final class TransportProxy {

    private TransportProxy() {
    }

    /**
     * Sends the exchange through the upstream's transport.
     *
     * @param timeout the route's timeout, handed to the transport
     * @throws UpstreamFailure  503 when the upstream has no available endpoint, 502 when the transport failed with
     *                          something other than a {@link GatewayException}
     * @throws GatewayException what the transport threw
     */
    public static Response forward(GatewayExchange exchange, Upstream upstream, Duration timeout) {
        Transport transport = upstream.transport();
        Endpoint endpoint = upstream.choose(exchange, null);
        if (endpoint == null) {
            throw HttpProxy.noEndpoint(exchange, upstream);
        }
        exchange.endpoint(endpoint);
        exchange.request().headers().set(TraceContext.TRACEPARENT, exchange.trace().nextAttempt());
        long start = System.nanoTime();
        Response response;
        try {
            response = transport.send(exchange, endpoint, timeout);
            if (response == null) {
                throw new IllegalStateException("the transport returned no response");
            }
        } catch (GatewayException e) {
            boolean failed = e.status() >= 502 && e.status() <= 504;
            settle(exchange, upstream, endpoint, start, failed,
                    failed ? AttemptOutcome.ERROR_STATUS : AttemptOutcome.CANCELLED);
            if (failed) {
                exchange.upstreamFailed();
            }
            throw e;
        } catch (Exception | LinkageError e) {
            settle(exchange, upstream, endpoint, start, true, AttemptOutcome.BROKEN);
            HttpProxy.logFailure(exchange, upstream, endpoint, UpstreamFailure.Kind.BROKEN, e);
            throw new UpstreamFailure(UpstreamFailure.Kind.BROKEN, upstream.name(), e);
        }
        long answeredIn = System.nanoTime() - start;
        boolean failed;
        try {
            failed = transport.failed(exchange, response);
        } catch (RuntimeException e) {
            failed = response.status() >= 500;
        }
        exchange.observer().attemptDone(exchange, upstream, endpoint, 0, start, start + answeredIn,
                failed ? AttemptOutcome.ERROR_STATUS : AttemptOutcome.SUCCESS);
        if (failed) {
            upstream.failed(endpoint);
        } else {
            upstream.succeeded(endpoint);
        }
        upstream.circuitResult(endpoint, failed);
        boolean verdict = failed;
        response.wrapBody(body -> new EndedBody(body, () -> HttpProxy.completed(upstream, endpoint, answeredIn,
                verdict)));
        return response;
    }

    private static void settle(GatewayExchange exchange, Upstream upstream, Endpoint endpoint, long start,
                               boolean failed, AttemptOutcome outcome) {
        exchange.observer().attemptDone(exchange, upstream, endpoint, 0, start, System.nanoTime(), outcome);
        HttpProxy.completed(upstream, endpoint, System.nanoTime() - start, failed);
        if (failed) {
            upstream.failed(endpoint);
            upstream.circuitResult(endpoint, true);
        } else {
            upstream.circuitReleased(endpoint);
        }
    }

    /** A transport's body that runs one action when it ends: read to its end, or closed. */
    private static final class EndedBody implements TrackedBody {
        private final Body body;
        private final Runnable ended;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile boolean taken;

        EndedBody(Body body, Runnable ended) {
            this.body = body;
            this.ended = ended;
        }

        private void end() {
            if (done.compareAndSet(false, true)) {
                ended.run();
            }
        }

        @Override
        public InputStream stream() {
            taken = true;
            return new FilterInputStream(body.stream()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b < 0) {
                        end();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n < 0) {
                        end();
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        end();
                    }
                }
            };
        }

        @Override
        public long length() {
            return body.length();
        }

        @Override
        public boolean streamTaken() {
            return taken;
        }

        @Override
        public void close() {
            try {
                body.close();
            } finally {
                end();
            }
        }
    }
}
