package io.gatehouse.core.chain;

import io.gatehouse.api.Body;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Response;
import io.gatehouse.core.observe.RequestObserver;

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
    private final RequestObserver observer;
    private final boolean timed;

    public FilterChain(List<NamedFilter> filters, Terminal terminal) {
        this(filters, terminal, RequestObserver.NOOP);
    }

    /**
     * @param observer told of each filter's time; the chain also hands it to each exchange it runs
     *                 ({@link GatewayExchange#observer()}), for the upstream attempts and the completion
     */
    public FilterChain(List<NamedFilter> filters, Terminal terminal, RequestObserver observer) {
        this.filters = filters.toArray(NamedFilter[]::new);
        this.terminal = Objects.requireNonNull(terminal);
        this.observer = Objects.requireNonNull(observer);
        this.timed = observer != RequestObserver.NOOP;
    }

    /** @return the names of the chain's filters in order, as the observer counts them */
    public List<String> filterNames() {
        return java.util.Arrays.stream(filters).map(NamedFilter::name).toList();
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
        if (exchange instanceof GatewayExchange gateway) {
            gateway.observer(observer);
        }
        return proceedFrom(0, exchange, exchange);
    }

    private Response proceedFrom(int index, Exchange exchange, Exchange outer) throws Exception {
        if (index == filters.length) {
            return Objects.requireNonNull(terminal.handle(exchange), "terminal returned null");
        }
        NamedFilter current = filters[index];
        Link next = new Link(index + 1, current.name(), outer);
        long start = timed ? System.nanoTime() : 0;
        Response response;
        try {
            response = current.filter().filter(exchange, next);
        } catch (Throwable e) {
            observe(outer, index, start, next, true);
            next.done(null);
            if (e != next.failure && outer instanceof GatewayExchange gateway) {
                gateway.filterFailed(e, this, index); // named only if it is logged: a 401 or 429 thrown here is not
            }
            throw e;
        }
        observe(outer, index, start, next, false);
        next.done(response);
        if (response == null) {
            throw new IllegalStateException("filter '" + current.name() + "' returned null instead of a Response");
        }
        return response;
    }

    /** @return e.g. {@code filter.tenant at routes[0].filters[1] (3rd of 5 in the chain)} */
    String site(int index) {
        NamedFilter filter = filters[index];
        int place = index + 1;
        String ordinal = place % 100 / 10 == 1 ? "th" : switch (place % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return (filter.where() == null ? "'" + filter.name() + "'" : filter.where()) + " (" + place + ordinal
                + " of " + filters.length + " in the chain)";
    }

    private void observe(Exchange outer, int index, long start, Link next, boolean failed) {
        if (timed && outer instanceof GatewayExchange gateway) {
            long end = System.nanoTime();
            long inner = next.proceeded ? next.proceedEnd - next.proceedStart : 0;
            observer.filterDone(gateway, index, start, end, end - start - inner, failed);
        }
    }

    /** The chain as one filter sees it; enforces proceed-at-most-once and names the culprit. */
    private final class Link implements Chain {
        private final int index;
        private final String caller;
        private final Exchange outer;
        private boolean proceeded;
        private Response produced;
        private long proceedStart;
        private long proceedEnd;
        private Throwable failure;

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
            proceedStart = timed ? System.nanoTime() : 0;
            try {
                produced = proceedFrom(index, Objects.requireNonNull(exchange, "exchange"), outer);
            } catch (Throwable e) {
                failure = e; // passed on by the filter that called proceed, not thrown by it
                throw e;
            } finally {
                proceedEnd = timed ? System.nanoTime() : 0;
            }
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
     * @param where  its id and place in the config for the log line of a 500 it causes, e.g.
     *               {@code filter.tenant at routes[0].filters[1]}; {@code null} for the core's own stages
     */
    public record NamedFilter(String name, Filter filter, String where) {

        /** A core stage, named only. */
        public NamedFilter(String name, Filter filter) {
            this(name, filter, null);
        }
    }

    /** The last stage: sends the request upstream (or answers it). */
    @FunctionalInterface
    public interface Terminal {
        Response handle(Exchange exchange) throws Exception;
    }
}
