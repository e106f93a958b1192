package io.gatehouse.api.testkit;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stand-in for the rest of the filter chain: it answers every {@link #proceed(Exchange)} with a response of
 * your choosing and records what reached it, so a test can check both phases of a filter.
 *
 * <pre>{@code
 * TestChain chain = TestChain.responding(Response.text(200, "hello"));
 * Response response = filter.filter(TestExchange.get("/x"), chain);
 * assertEquals(1, chain.calls());
 * assertEquals("1", chain.lastRequestHeaders().first("X-A").orElseThrow());
 * }</pre>
 *
 * Unlike the core's chain it does not enforce "at most once": it counts, so the test can assert on it. It is
 * thread-safe enough for tests that call it from several threads (the recording is synchronised).
 */
public final class TestChain implements Chain {

    /** What the chain answers with. */
    @FunctionalInterface
    public interface Responder {
        /**
         * @param exchange the exchange passed to {@code proceed}
         * @return the response, never {@code null}
         * @throws Exception to make {@code proceed} throw it, e.g. a {@link io.gatehouse.api.GatewayException}
         */
        Response respond(Exchange exchange) throws Exception;
    }

    private final Responder responder;
    private final List<Exchange> exchanges = new ArrayList<>();
    private final List<Headers> requestHeaders = new ArrayList<>();

    private TestChain(Responder responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    /**
     * A chain that answers {@code 200} with an empty body and no headers, a new response each time.
     *
     * @return the chain
     */
    public static TestChain ok() {
        return new TestChain(exchange -> new Response(200, new Headers(), null));
    }

    /**
     * A chain that answers every call with the same response object. Its body can be read once; use
     * {@link #responding(Responder)} when a test calls the chain more than once and reads bodies.
     *
     * @param response the response
     * @return the chain
     */
    public static TestChain responding(Response response) {
        Objects.requireNonNull(response, "response");
        return new TestChain(exchange -> response);
    }

    /**
     * A chain that computes its answer, or throws, for each call.
     *
     * @param responder makes the response from the exchange
     * @return the chain
     */
    public static TestChain responding(Responder responder) {
        return new TestChain(responder);
    }

    /**
     * Records the call, then answers with the responder's response.
     *
     * @param exchange the exchange
     * @return the responder's response
     * @throws Exception whatever the responder throws
     * @throws IllegalStateException if the responder returned {@code null}
     */
    @Override
    public Response proceed(Exchange exchange) throws Exception {
        synchronized (this) {
            exchanges.add(exchange);
            requestHeaders.add(exchange.request().headers().copy());
        }
        Response response = responder.respond(exchange);
        if (response == null) {
            throw new IllegalStateException("TestChain responder returned null");
        }
        return response;
    }

    /** @return how often {@link #proceed(Exchange)} was called */
    public synchronized int calls() {
        return exchanges.size();
    }

    /** @return the exchange of the last call, or empty if the chain was never called */
    public synchronized Optional<Exchange> lastExchange() {
        return exchanges.isEmpty() ? Optional.empty() : Optional.of(exchanges.getLast());
    }

    /** @return the exchanges of every call, in order; a snapshot */
    public synchronized List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /**
     * The request headers as they were when the last call reached the chain (what the upstream would have got),
     * unaffected by later changes.
     *
     * @return a copy of the headers
     * @throws IllegalStateException if the chain was never called
     */
    public synchronized Headers lastRequestHeaders() {
        if (requestHeaders.isEmpty()) {
            throw new IllegalStateException("TestChain was never called");
        }
        return requestHeaders.getLast().copy();
    }
}
