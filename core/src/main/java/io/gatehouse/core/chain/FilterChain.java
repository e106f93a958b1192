package io.gatehouse.core.chain;

import io.gatehouse.api.Body;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Response;

import java.util.List;
import java.util.Objects;

/**
 * The filters of one route (global filters first, then the route's) in front of a terminal stage. Built once per
 * config generation; {@link #run} is called concurrently.
 *
 * <p>The chain closes every response it produced that is not the one finally returned: a response from
 * {@code proceed} that a filter replaced with its own, or that was under way when a filter threw. An upstream
 * response holds its connection until its body is closed, and a filter that forgets to close one would otherwise
 * leave the connection to the garbage collector.
 */
public final class FilterChain {

    private final NamedFilter[] filters;
    private final Terminal terminal;

    public FilterChain(List<NamedFilter> filters, Terminal terminal) {
        this.filters = filters.toArray(NamedFilter[]::new);
        this.terminal = Objects.requireNonNull(terminal);
    }

    /**
     * Adds the core's authentication stages to a route's filters: the removal of headers a client could pose as a
     * consumer with, first, and the {@link AuthGate} after the last authenticating filter.
     *
     * @param routeId the route, for log lines
     * @param filters the route's filters, global ones first
     * @return the filters to build the chain from
     */
    public static List<NamedFilter> guarded(String routeId, List<NamedFilter> filters) {
        return ConsumerHeaders.guard(AuthGate.guard(routeId, filters));
    }

    /** Runs the exchange through every filter and the terminal. */
    public Response run(Exchange exchange) throws Exception {
        return proceedFrom(0, exchange, exchange);
    }

    private Response proceedFrom(int index, Exchange exchange, Exchange outer) throws Exception {
        if (index == filters.length) {
            return Objects.requireNonNull(terminal.handle(exchange), "terminal returned null");
        }
        NamedFilter current = filters[index];
        Link next = new Link(index + 1, current.name(), outer);
        Response response;
        try {
            response = current.filter().filter(exchange, next);
        } catch (Throwable e) {
            next.done(null);
            throw e;
        }
        next.done(response);
        if (response == null) {
            throw new IllegalStateException("filter '" + current.name() + "' returned null instead of a Response");
        }
        return response;
    }

    /** The chain as one filter sees it; enforces proceed-at-most-once and names the culprit. */
    private final class Link implements Chain {
        private final int index;
        private final String caller;
        private final Exchange outer;
        private boolean proceeded;
        private Response produced;

        private Link(int index, String caller, Exchange outer) {
            this.index = index;
            this.caller = caller;
            this.outer = outer;
        }

        @Override
        public Response proceed(Exchange exchange) throws Exception {
            if (proceeded) {
                throw new IllegalStateException("filter '" + caller + "' called chain.proceed() more than once");
            }
            proceeded = true;
            produced = proceedFrom(index, Objects.requireNonNull(exchange, "exchange"), outer);
            return produced;
        }

        /**
         * The filter is done and returns {@code kept} ({@code null}: nothing, it threw): the response {@code proceed}
         * gave it is dropped unless it is that one, or its body went into that one.
         */
        void done(Response kept) {
            Response dropped = produced;
            if (dropped == null || dropped == kept || (kept != null && dropped.body() == kept.body())) {
                return;
            }
            Body body = dropped.body();
            if (kept == null || (body instanceof TrackedBody tracked && !tracked.streamTaken())) {
                closeQuietly(body);
            } else if (outer instanceof GatewayExchange gateway) {
                // the filter took the stream: what it returned may still be reading from it
                gateway.onComplete(completion -> closeQuietly(body));
            }
        }
    }

    private static void closeQuietly(Body body) {
        try {
            body.close();
        } catch (RuntimeException ignored) {
            // a body that fails to close has nothing more to give back
        }
    }

    /**
     * A filter with the name it was configured under, for error messages.
     *
     * @param name   e.g. {@code headers} or {@code routes[1].filters[0] (headers)}
     * @param filter the filter
     */
    public record NamedFilter(String name, Filter filter) {
    }

    /** The last stage: sends the request upstream (or answers it). */
    @FunctionalInterface
    public interface Terminal {
        Response handle(Exchange exchange) throws Exception;
    }
}
