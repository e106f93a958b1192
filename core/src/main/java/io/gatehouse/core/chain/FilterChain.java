package io.gatehouse.core.chain;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Response;

import java.util.List;
import java.util.Objects;

/**
 * The filters of one route (global filters first, then the route's) in front of a terminal stage. Built once per
 * config generation; {@link #run} is called concurrently.
 */
public final class FilterChain {

    private final NamedFilter[] filters;
    private final Terminal terminal;

    public FilterChain(List<NamedFilter> filters, Terminal terminal) {
        this.filters = filters.toArray(NamedFilter[]::new);
        this.terminal = Objects.requireNonNull(terminal);
    }

    /** Runs the exchange through every filter and the terminal. */
    public Response run(Exchange exchange) throws Exception {
        return proceedFrom(0, exchange);
    }

    private Response proceedFrom(int index, Exchange exchange) throws Exception {
        if (index == filters.length) {
            return Objects.requireNonNull(terminal.handle(exchange), "terminal returned null");
        }
        NamedFilter current = filters[index];
        Link next = new Link(index + 1, current.name());
        Response response = current.filter().filter(exchange, next);
        if (response == null) {
            throw new IllegalStateException("filter '" + current.name() + "' returned null instead of a Response");
        }
        return response;
    }

    /** The chain as one filter sees it; enforces proceed-at-most-once and names the culprit. */
    private final class Link implements Chain {
        private final int index;
        private final String caller;
        private boolean proceeded;

        private Link(int index, String caller) {
            this.index = index;
            this.caller = caller;
        }

        @Override
        public Response proceed(Exchange exchange) throws Exception {
            if (proceeded) {
                throw new IllegalStateException("filter '" + caller + "' called chain.proceed() more than once");
            }
            proceeded = true;
            return proceedFrom(index, Objects.requireNonNull(exchange, "exchange"));
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
