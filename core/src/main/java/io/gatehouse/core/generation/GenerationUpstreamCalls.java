package io.gatehouse.core.generation;

import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.UpstreamCalls;
import io.gatehouse.core.observe.tracing.TraceContext;
import io.gatehouse.core.proxy.HttpProxy;
import io.gatehouse.core.proxy.TransportProxy;
import io.gatehouse.core.upstream.Upstream;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Upstream calls on the upstreams of one generation (filled in before its filters are created). */
final class GenerationUpstreamCalls implements UpstreamCalls {
    private final Map<String, Upstream> upstreams;
    private final HttpProxy proxy;

    GenerationUpstreamCalls(Map<String, Upstream> upstreams, HttpProxy proxy) {
        this.upstreams = upstreams;
        this.proxy = proxy;
    }

    /** Names only, for {@code gatehouse check}: a component that calls an upstream while being created fails. */
    static UpstreamCalls namesOnly(Set<String> names) {
        return new UpstreamCalls() {
            @Override
            public Set<String> names() {
                return names;
            }

            @Override
            public Response call(String name, Request request, Duration timeout, GatewayExchange parent) {
                throw new IllegalStateException("no upstream is called while checking a config");
            }
        };
    }

    @Override
    public Set<String> names() {
        return upstreams.keySet();
    }

    @Override
    public Response call(String name, Request request, Duration timeout, GatewayExchange parent) {
        Upstream upstream = upstreams.get(name);
        if (upstream == null) {
            throw new GatewayException(500, "unknown_upstream", "no upstream named '" + name
                    + "' in the config (known: " + String.join(", ", upstreams.keySet()) + ")");
        }
        long start = System.nanoTime();
        GatewayExchange sub = new GatewayExchange(parent.requestId(), request, parent.routeId(), Map.of(),
                parent.clientIp(), parent.peer(), start);
        TraceContext trace = parent.trace().forFetch();
        sub.trace(trace);
        try {
            Response response = upstream.transport() != null ? TransportProxy.forward(sub, upstream, timeout)
                    : proxy.forward(sub, upstream, parent.peer(), timeout);
            parent.trace().fetchDone(trace, name, request, sub.endpoint(), start, System.nanoTime(),
                    response.status(), null);
            return response;
        } catch (GatewayException e) {
            parent.trace().fetchDone(trace, name, request, sub.endpoint(), start, System.nanoTime(), 0, e.code());
            throw e;
        }
    }
}
