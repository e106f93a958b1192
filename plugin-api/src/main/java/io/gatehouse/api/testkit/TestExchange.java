package io.gatehouse.api.testkit;

import io.gatehouse.api.Body;
import io.gatehouse.api.Completion;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An {@link Exchange} built in memory, for unit tests of filters, balancers and transports.
 *
 * <pre>{@code
 * TestExchange exchange = TestExchange.builder()
 *         .method("POST").path("/api/users/42").query("verbose=1")
 *         .header("Content-Type", "application/json").body("{}")
 *         .param("id", "42")
 *         .build();
 * }</pre>
 *
 * Like a real exchange it is mutable and not thread-safe. Defaults: {@code GET /}, scheme {@code http}, host
 * {@code localhost}, no query, headers or body, route {@code test-route}, client {@code 127.0.0.1}, request id
 * {@code test-request}.
 */
public final class TestExchange implements Exchange {

    private final String requestId;
    private final Request request;
    private final String routeId;
    private final Map<String, String> pathParams;
    private final String clientIp;
    private final Map<String, Object> attributes = new HashMap<>();
    private final List<Consumer<Completion>> completionListeners = new ArrayList<>();
    private io.gatehouse.api.Consumer consumer;
    private final List<String> challenges = new ArrayList<>();
    private Completion completion;

    private TestExchange(Builder builder) {
        this.requestId = builder.requestId;
        this.request = new Request(builder.method, builder.scheme, builder.host, builder.path, builder.query,
                builder.headers.copy(), builder.body);
        this.routeId = builder.routeId;
        this.pathParams = Map.copyOf(builder.params);
        this.clientIp = builder.clientIp;
        this.consumer = builder.consumer;
    }

    /**
     * The challenges recorded by authentication filters that found no credential ({@link #challenge}).
     *
     * @return an unmodifiable copy, in the order recorded
     * @since 1.2.0
     */
    public List<String> challenges() {
        return List.copyOf(challenges);
    }

    /**
     * Collects the listener; {@link #complete} calls it, as the core does after the last byte.
     */
    @Override
    public void onComplete(Consumer<Completion> listener) {
        if (completion != null) {
            throw new IllegalStateException("the exchange has already completed");
        }
        completionListeners.add(listener);
    }

    /**
     * Ends the exchange as the core would: every {@link #onComplete} listener is told, once.
     *
     * @param completion how it ended
     * @throws IllegalStateException if it was already completed
     */
    public void complete(Completion completion) {
        if (this.completion != null) {
            throw new IllegalStateException("the exchange has already completed");
        }
        this.completion = completion;
        for (Consumer<Completion> listener : completionListeners) {
            listener.accept(completion);
        }
    }

    /**
     * Starts a builder with the defaults listed on the class.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A {@code GET} of the given path with every other default.
     *
     * @param path the path, starting with {@code /}
     * @return the exchange
     * @throws IllegalArgumentException if the path does not start with {@code /}
     */
    public static TestExchange get(String path) {
        return builder().path(path).build();
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
        return authenticated().map(io.gatehouse.api.Consumer::id);
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
        this.consumer = Objects.requireNonNull(consumer, "consumer");
    }

    @Override
    public void challenge(String challenge) {
        challenges.add(Objects.requireNonNull(challenge, "challenge"));
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public String toString() {
        return "TestExchange{" + request + ", route=" + routeId + "}";
    }

    /** Builds a {@link TestExchange}. Every setter returns this builder; the last call for a field wins. */
    public static final class Builder {
        private String method = "GET";
        private String scheme = "http";
        private String host = "localhost";
        private String path = "/";
        private String query = "";
        private Headers headers = new Headers();
        private Body body = Body.empty();
        private final Map<String, String> params = new LinkedHashMap<>();
        private String clientIp = "127.0.0.1";
        private String routeId = "test-route";
        private String requestId = "test-request";
        private io.gatehouse.api.Consumer consumer;

        private Builder() {
        }

        /**
         * @param method the HTTP method; upper-cased
         * @return this
         */
        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method").toUpperCase(java.util.Locale.ROOT);
            return this;
        }

        /**
         * @param scheme {@code http} or {@code https}
         * @return this
         */
        public Builder scheme(String scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /**
         * @param host the host the client addressed, without the port
         * @return this
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * @param path the path in wire form ({@link io.gatehouse.api.Request#path()}), starting with {@code /}
         *             (checked by {@link #build()})
         * @return this
         */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * @param rawQuery the encoded query without {@code ?}; {@code null} for none
         * @return this
         */
        public Builder query(String rawQuery) {
            this.query = rawQuery == null ? "" : rawQuery;
            return this;
        }

        /**
         * Adds one request header value.
         *
         * @param name  the header name
         * @param value the value
         * @return this
         * @throws IllegalArgumentException if the name or value is invalid (see {@link Headers#add})
         */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * Replaces all request headers with a copy of {@code headers}.
         *
         * @param headers the headers
         * @return this
         */
        public Builder headers(Headers headers) {
            this.headers = headers.copy();
            return this;
        }

        /**
         * @param text the request body, as UTF-8
         * @return this
         */
        public Builder body(String text) {
            return body(Body.of(text));
        }

        /**
         * @param bytes the request body
         * @return this
         */
        public Builder body(byte[] bytes) {
            return body(Body.of(bytes));
        }

        /**
         * @param body the request body; {@code null} means empty
         * @return this
         */
        public Builder body(Body body) {
            this.body = body == null ? Body.empty() : body;
            return this;
        }

        /**
         * Adds one path parameter, as if the route had captured it.
         *
         * @param name  the parameter name, without {@code :} or {@code *}
         * @param value the value in wire form, as {@link io.gatehouse.api.Exchange#pathParams()} gives it
         * @return this
         */
        public Builder param(String name, String value) {
            params.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Replaces the path parameters.
         *
         * @param params the parameters
         * @return this
         */
        public Builder params(Map<String, String> params) {
            this.params.clear();
            this.params.putAll(params);
            return this;
        }

        /**
         * @param clientIp the client's address
         * @return this
         */
        public Builder clientIp(String clientIp) {
            this.clientIp = Objects.requireNonNull(clientIp, "clientIp");
            return this;
        }

        /**
         * @param routeId the matched route's id
         * @return this
         */
        public Builder routeId(String routeId) {
            this.routeId = Objects.requireNonNull(routeId, "routeId");
            return this;
        }

        /**
         * @param requestId the request id
         * @return this
         */
        public Builder requestId(String requestId) {
            this.requestId = Objects.requireNonNull(requestId, "requestId");
            return this;
        }

        /**
         * @param consumer the id of an already authenticated consumer (credential kind {@code custom});
         *                 {@code null} for none
         * @return this
         */
        public Builder consumer(String consumer) {
            this.consumer = consumer == null ? null : io.gatehouse.api.Consumer.of(consumer, "custom");
            return this;
        }

        /**
         * @param consumer an already authenticated consumer; {@code null} for none
         * @return this
         * @since 1.2.0
         */
        public Builder consumer(io.gatehouse.api.Consumer consumer) {
            this.consumer = consumer;
            return this;
        }

        /**
         * Builds the exchange with its own copy of the headers. The builder may be reused; a body is a stream
         * that can be read once, so set a new one for each exchange that reads it.
         *
         * @return the exchange
         * @throws IllegalArgumentException if the path does not start with {@code /}
         */
        public TestExchange build() {
            return new TestExchange(this);
        }
    }
}
