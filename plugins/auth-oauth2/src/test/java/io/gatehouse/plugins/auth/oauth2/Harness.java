package io.gatehouse.plugins.auth.oauth2;

import io.gatehouse.api.testkit.TestClock;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.config.RecordBinder;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The filter under test against a real {@link IntrospectionEndpoint}: configs are written as the YAML a user would
 * write and bound by the core's own binder; requests go through the filter into a {@link TestChain} standing for
 * the upstream; time is a {@link TestClock}.
 */
final class Harness implements AutoCloseable {

    static final String CLIENT_ID = "gateway";
    /** Characters that must be form-encoded, so both client authentication methods are put to the test. */
    static final String CLIENT_SECRET = "s3cret:&=+ %/é";
    static final Instant START = Instant.parse("2026-05-01T10:00:00Z");

    final IntrospectionEndpoint endpoint;
    final TestClock clock = new TestClock(START);
    final IntrospectionFilterFactory factory = new IntrospectionFilterFactory(clock, clock::nanos);
    private final List<TestPluginContext> contexts = new ArrayList<>();
    private final List<Filter> filters = new ArrayList<>();

    Harness() throws IOException {
        endpoint = IntrospectionEndpoint.start(CLIENT_ID, CLIENT_SECRET);
    }

    /** The config: the endpoint and client, plus {@code extra} YAML lines (a flow mapping's entries). */
    IntrospectionConfig config(String extra) {
        return bind("{ introspection_url: \"" + endpoint.url() + "\", client_id: " + CLIENT_ID
                + ", client_secret: \"" + CLIENT_SECRET + "\"" + (extra.isBlank() ? "" : ", " + extra) + " }");
    }

    /** Binds YAML as the core does, asserting it binds and validates without a problem. */
    IntrospectionConfig bind(String yaml) {
        List<Problem> problems = new ArrayList<>();
        IntrospectionConfig config = new RecordBinder().bind(new Yaml().load(yaml), IntrospectionConfig.class, "",
                problems);
        assertEquals(List.of(), problems);
        factory.validate(config, (path, message) -> problems.add(new Problem(path, message)));
        assertEquals(List.of(), problems, yaml);
        return config;
    }

    /** A filter in a first generation of its own. */
    Filter filter(String extra) throws Exception {
        return filter(config(extra));
    }

    Filter filter(IntrospectionConfig config) throws Exception {
        return filter(config, TestPluginContext.of(IntrospectionFilterFactory.ID, config));
    }

    /** A filter in the given generation (a {@link TestPluginContext#reload} of an earlier one, say). */
    Filter filter(IntrospectionConfig config, TestPluginContext context) throws Exception {
        contexts.add(context);
        return created(factory.create(config, context));
    }

    /** @return the state of the filter created last, to look into its cache */
    Introspector lastIntrospector() {
        return (Introspector) contexts.getLast().states().getFirst();
    }

    /** Keeps a filter created outside {@link #filter} for closing. */
    Filter created(Filter filter) {
        filters.add(filter);
        return filter;
    }

    /** What a request through the filter came to. */
    record Outcome(TestExchange exchange, TestChain upstream, Response response, GatewayException refusal) {

        /** The request passed: the upstream got it, once. */
        Outcome passed() {
            assertNull(refusal, () -> "refused: " + refusal.status() + " " + refusal.code() + " "
                    + refusal.getMessage());
            assertEquals(1, upstream.calls(), "the upstream got the request");
            return this;
        }

        /** The request was refused with this status and code, and the upstream got nothing. */
        Outcome refused(int status, String code) {
            assertNotNull(refusal, "expected " + status + " " + code + ", but the request passed");
            assertEquals(status, refusal.status(), refusal.getMessage());
            assertEquals(code, refusal.code());
            assertEquals(0, upstream.calls(), "the upstream got nothing");
            return this;
        }

        String challenge() {
            return refusal.headers().get("WWW-Authenticate");
        }

        /** The refusal carries an RFC 6750 challenge with this error. */
        Outcome challenged(String error) {
            assertTrue(challenge().startsWith("Bearer realm=\""), challenge());
            assertTrue(challenge().contains("error=\"" + error + "\""), challenge());
            return this;
        }
    }

    static Outcome send(Filter filter, UnaryOperator<TestExchange.Builder> request) throws Exception {
        TestExchange exchange = request.apply(TestExchange.builder().path("/api/orders")).build();
        TestChain upstream = TestChain.ok();
        try {
            return new Outcome(exchange, upstream, filter.filter(exchange, upstream), null);
        } catch (GatewayException e) {
            return new Outcome(exchange, upstream, null, e);
        }
    }

    static Outcome bearer(Filter filter, String token) throws Exception {
        return send(filter, r -> r.header("Authorization", "Bearer " + token));
    }

    /** Closes the filters, drains every generation (closing the states), stops the endpoint. */
    @Override
    public void close() throws Exception {
        filters.forEach(Filter::close);
        for (TestPluginContext context : contexts) {
            context.drained();
        }
        endpoint.close();
    }
}
