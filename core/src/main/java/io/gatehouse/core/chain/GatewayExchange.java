package io.gatehouse.core.chain;

import io.gatehouse.api.Completion;
import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Request;
import io.gatehouse.core.observe.tracing.TraceContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The core's exchange: the public {@link Exchange} plus what the core tracks about the request (start time, the
 * endpoint chosen, completion listeners run once the response is written).
 */
public final class GatewayExchange implements Exchange {

    private static final System.Logger LOG = System.getLogger(GatewayExchange.class.getName());

    private final String requestId;
    private final Request request;
    private final String routeId;
    private final Map<String, String> pathParams;
    private final String clientIp;
    private final String peer;
    private final long startNanos;
    private final String originalPath;
    private io.gatehouse.api.Consumer consumer;
    private List<String> challenges;
    private Map<String, Object> attributes;
    private Endpoint endpoint;
    private List<Consumer<Completion>> completionListeners;
    private boolean completed;
    private boolean upstreamFailed;
    private Throwable filterFailure;
    private FilterChain filterFailureChain;
    private int filterFailureIndex;
    private String grpcStatus;
    private boolean closeConnection;
    private io.gatehouse.core.observe.RequestObserver observer = io.gatehouse.core.observe.RequestObserver.NOOP;
    private TraceContext trace;

    public GatewayExchange(String requestId, Request request, String routeId, Map<String, String> pathParams,
                           String clientIp, String peer, long startNanos) {
        this(requestId, request, routeId, pathParams, clientIp, peer, startNanos, request.path());
    }

    /**
     * @param originalPath the path to report as the one the client asked for: the normalised path, or for a request
     *                     refused before it could be normalised, the target as sent
     */
    public GatewayExchange(String requestId, Request request, String routeId, Map<String, String> pathParams,
                           String clientIp, String peer, long startNanos, String originalPath) {
        this.requestId = requestId;
        this.request = request;
        this.routeId = routeId;
        this.pathParams = pathParams;
        this.clientIp = clientIp;
        this.peer = peer;
        this.startNanos = startNanos;
        this.originalPath = originalPath;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public Map<String, String> pathParams() {
        return pathParams;
    }

    @Override
    public String clientIp() {
        return clientIp;
    }

    @Override
    public Optional<String> consumer() {
        return consumer == null ? Optional.empty() : Optional.of(consumer.id());
    }

    @Override
    public void consumer(String consumer) {
        this.consumer = consumer == null ? null : io.gatehouse.api.Consumer.of(consumer, "custom");
    }

    @Override
    public Optional<io.gatehouse.api.Consumer> authenticated() {
        return Optional.ofNullable(consumer);
    }

    @Override
    public void authenticate(io.gatehouse.api.Consumer consumer) {
        this.consumer = java.util.Objects.requireNonNull(consumer, "consumer");
    }

    @Override
    public void challenge(String challenge) {
        java.util.Objects.requireNonNull(challenge, "challenge");
        if (challenges == null) {
            challenges = new ArrayList<>(2);
        }
        if (!challenges.contains(challenge)) {
            challenges.add(challenge);
        }
    }

    /** @return the challenges recorded by authentication filters that found no credential, in order */
    List<String> challenges() {
        return challenges == null ? List.of() : List.copyOf(challenges);
    }

    /** @return an attribute, or {@code null}; unlike {@link #attributes()}, never allocates (read on every request) */
    public Object attribute(String name) {
        return attributes == null ? null : attributes.get(name);
    }

    @Override
    public Map<String, Object> attributes() {
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        return attributes;
    }

    /** @return the address of the TCP peer (a proxy, when the client came through one) */
    public String peer() {
        return peer;
    }

    /** @return the normalised path the client asked for, before any rewrite */
    public String originalPath() {
        return originalPath;
    }

    /** @return when the gateway started serving the request ({@link System#nanoTime()}) */
    public long startNanos() {
        return startNanos;
    }

    /** @return the upstream endpoint the request went to, or {@code null} */
    public Endpoint endpoint() {
        return endpoint;
    }

    public void endpoint(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Records the {@code grpc-status} the client got in the response's trailers (for the access log). */
    public void grpcStatus(String status) {
        this.grpcStatus = status;
    }

    /** @return the {@code grpc-status} the client got, or {@code null} when the response carried none */
    public String grpcStatus() {
        return grpcStatus;
    }

    /** Marks that the upstream failed this exchange (the response is the gateway's 502/503/504 for it). */
    public void upstreamFailed() {
        this.upstreamFailed = true;
    }

    /**
     * A filter threw {@code failure} itself (not passed it on from {@code proceed}); the outermost such filter
     * wins, since it threw what the chain ends with.
     *
     * @param chain the chain it threw in
     * @param index its place there
     */
    void filterFailed(Throwable failure, FilterChain chain, int index) {
        this.filterFailure = failure;
        this.filterFailureChain = chain;
        this.filterFailureIndex = index;
    }

    /**
     * @return the filter that threw {@code failure}, e.g. {@code filter.tenant at routes[0].filters[1] (3rd of 5 in
     *         the chain)}, or {@code null}
     */
    public String filterFailureSite(Throwable failure) {
        return failure == filterFailure ? filterFailureChain.site(filterFailureIndex) : null;
    }

    /** @return whether the upstream failed this exchange */
    public boolean hasUpstreamFailed() {
        return upstreamFailed;
    }

    /** Asks for the client's connection to be closed after the response ({@code Connection: close}). */
    public void closeConnection() {
        this.closeConnection = true;
    }

    /** @return whether the client's connection is to be closed after the response */
    public boolean closesConnection() {
        return closeConnection;
    }

    /** @return the observer of the chain serving this exchange ({@code NOOP} until a chain runs it) */
    public io.gatehouse.core.observe.RequestObserver observer() {
        return observer;
    }

    /** Set by the chain that runs the exchange. */
    public void observer(io.gatehouse.core.observe.RequestObserver observer) {
        this.observer = java.util.Objects.requireNonNull(observer);
    }

    /**
     * @return the exchange's W3C trace context: set at intake; an exchange made elsewhere (a script's fetch, a
     *         test) without one gets a new, unsampled trace
     */
    public TraceContext trace() {
        if (trace == null) {
            trace = TraceContext.newTrace(0);
        }
        return trace;
    }

    /** Set at intake, from the client's {@code traceparent} or new. */
    public void trace(TraceContext trace) {
        this.trace = java.util.Objects.requireNonNull(trace);
    }

    @Override
    public void onComplete(Consumer<Completion> listener) {
        if (completed) {
            throw new IllegalStateException("the exchange has already completed");
        }
        if (completionListeners == null) {
            completionListeners = new ArrayList<>(2);
        }
        completionListeners.add(listener);
    }

    /** Called once by the server after the response was written or abandoned; later calls do nothing. */
    public void complete(Completion completion) {
        if (completed) {
            return;
        }
        completed = true;
        if (completionListeners != null) {
            for (Consumer<Completion> listener : completionListeners) {
                try {
                    listener.accept(completion);
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.WARNING, "a completion listener of request " + requestId
                            + " failed: " + e);
                }
            }
        }
        try {
            observer.completed(this, completion);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "observing the completion of request " + requestId
                    + " failed: " + e);
        }
    }
}
