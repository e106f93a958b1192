package io.gatehouse.plugins.auth.oauth2;

import io.gatehouse.api.Filter;
import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the introspection endpoint cannot be used — down, slow, refusing the gateway's client, answering something
 * that is not an introspection response, or too busy — the request is refused with {@code unavailable_status},
 * never passed, and nothing of it is cached.
 */
class IntrospectionUnavailableTest extends AgainstEndpoint {

    private static final String TOKEN = "8xLOxBtZp8";

    private LogCapture log;

    @BeforeEach
    void setUp() throws Exception {
        harness.endpoint.active(TOKEN, "\"sub\":\"alice\"");
        log = LogCapture.of("gatehouse");
    }

    @AfterEach
    void tearDown() {
        log.close();
    }

    private Harness.Outcome unavailable(Filter filter, String reason) throws Exception {
        Harness.Outcome outcome = Harness.bearer(filter, TOKEN).refused(503, "introspection_unavailable");
        assertFalse(outcome.refusal().headers().containsKey("WWW-Authenticate"), "not the token's fault");
        assertTrue(outcome.exchange().authenticated().isEmpty());
        List<LogCapture.Line> lines = log.containing("introspection_unavailable");
        assertEquals(1, lines.size(), log.lines()::toString);
        assertTrue(lines.getFirst().message().contains(reason), lines.getFirst()::toString);
        log.clear();
        return outcome;
    }

    @Test
    void endpointDownIs503() throws Exception {
        IntrospectionEndpoint gone = IntrospectionEndpoint.start("x", "y");
        String url = gone.url();
        gone.close();
        Filter filter = harness.filter(harness.bind("{ introspection_url: \"" + url + "\", client_id: "
                + Harness.CLIENT_ID + ", client_secret: s }"));
        unavailable(filter, "could not connect to the endpoint");
    }

    @Test
    void endpointSlowerThanTheTimeoutIs503() throws Exception {
        Filter filter = harness.filter("timeout: 200ms");
        harness.endpoint.hold();
        unavailable(filter, "no answer from the endpoint within 200 ms");
        harness.endpoint.release();
    }

    @Test
    void wrongClientCredentialsAre503NeverAPass() throws Exception {
        for (String auth : List.of("basic", "body")) {
            Filter filter = harness.filter(harness.bind("{ introspection_url: \"" + harness.endpoint.url()
                    + "\", client_id: " + Harness.CLIENT_ID + ", client_secret: wrong, client_auth: " + auth + " }"));
            unavailable(filter, "refused the gateway's client credentials (HTTP 401)");
        }
        assertEquals(2, harness.endpoint.calls(), "the endpoint refused both with 401");
    }

    @Test
    void unavailableStatus401AnswersWithABearerChallenge() throws Exception {
        harness.endpoint.answer(500, "{}");
        Harness.bearer(harness.filter("unavailable_status: 401"), TOKEN).refused(401, "invalid_token")
                .challenged("invalid_token");
    }

    @Test
    void anonymousDoesNotTurnAnOutageIntoAPass() throws Exception {
        harness.endpoint.answer(502, "");
        unavailable(harness.filter("anonymous: guest"), "HTTP 502");
    }

    record Answer(String desc, int status, String body, String reason) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Answer> answers() {
        return Stream.of(
                new Answer("server error", 500, "{\"active\":true,\"sub\":\"alice\"}", "HTTP 500"),
                new Answer("a redirect, not followed", 302, "", "HTTP 302"),
                new Answer("not JSON", 200, "<html>ok</html>", "not JSON"),
                new Answer("empty body", 200, "", "not a JSON object"),
                new Answer("an array", 200, "[true]", "not a JSON object"),
                new Answer("no active", 200, "{\"sub\":\"alice\"}", "no boolean 'active'"),
                new Answer("active as a string", 200, "{\"active\":\"true\",\"sub\":\"alice\"}",
                        "no boolean 'active'"),
                new Answer("exp as a string", 200, "{\"active\":true,\"sub\":\"alice\",\"exp\":\"soon\"}",
                        "'exp' is not a number"),
                new Answer("an answer too large", 200, "{\"active\":true,\"sub\":\"alice\",\"pad\":\""
                        + "x".repeat(Introspector.MAX_ANSWER_BYTES) + "\"}", "larger than 65536 bytes"));
    }

    @ParameterizedTest
    @MethodSource("answers")
    void anAnswerThatIsNotAnIntrospectionResponseIs503AndNotCached(Answer answer) throws Exception {
        Filter filter = harness.filter("");
        harness.endpoint.answer(answer.status(), answer.body());
        unavailable(filter, answer.reason());
        harness.endpoint.answer(0, null);
        Harness.bearer(filter, TOKEN).passed();
        assertEquals(2, harness.endpoint.calls(), "the failed call was not cached");
    }

    @Test
    void beyondMaxConcurrentCallsATokenNotCachedIsRefusedAtOnce() throws Exception {
        Filter filter = harness.filter("max_concurrent_calls: 2");
        harness.endpoint.active("second", "\"sub\":\"bob\"");
        harness.endpoint.hold();
        AtomicReference<Harness.Outcome> first = new AtomicReference<>();
        AtomicReference<Harness.Outcome> second = new AtomicReference<>();
        Thread one = Thread.ofVirtual().start(() -> first.set(send(filter, TOKEN)));
        Thread two = Thread.ofVirtual().start(() -> second.set(send(filter, "second")));
        harness.endpoint.awaitCalls(2);

        Harness.bearer(filter, "third").refused(503, "introspection_unavailable");
        assertTrue(log.containing("too many introspection calls in flight").size() == 1, log.lines()::toString);
        harness.endpoint.release();
        one.join();
        two.join();
        first.get().passed();
        second.get().passed();
        assertEquals(2, harness.endpoint.calls(), "the third token was never sent");
        harness.endpoint.active("third", "\"sub\":\"carol\"");
        Harness.bearer(filter, "third").passed();
    }

    private static Harness.Outcome send(Filter filter, String token) {
        try {
            return Harness.bearer(filter, token);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
