package io.gatehouse.plugins.auth.oauth2;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Headers;
import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the filter finds the token, what it tells the endpoint, and what the consumer and the upstream get. */
class IntrospectionFilterTest extends AgainstEndpoint {

    private static final String TOKEN = "mF_9.B5f-4.1JqM+/a==";
    private static final String CLAIMS = "\"sub\":\"alice\",\"client_id\":\"shop\",\"scope\":\"orders.read\"";

    @BeforeEach
    void setUp() throws Exception {
        harness.endpoint.active(TOKEN, CLAIMS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "Bearer   ", "  Bearer "})
    void theSchemeIsCaseInsensitive(String scheme) throws Exception {
        Harness.Outcome outcome = Harness.send(harness.filter(""), r -> r.header("Authorization", scheme + TOKEN));
        outcome.passed();
        assertEquals("alice", outcome.exchange().consumer().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer a b", "Bearer a,b", "Bearer tök", "Bearer =abc",
            "Bearer a=b", "Bearer \"abc\""})
    void anEmptyOrMalformedTokenIsRefusedWithoutAsking(String authorization) throws Exception {
        Harness.send(harness.filter(""), r -> r.header("Authorization", authorization))
                .refused(401, "invalid_token").challenged("invalid_token");
        assertEquals(0, harness.endpoint.calls(), "nothing to ask the endpoint about");
    }

    @Test
    void twoBearerTokensAre400() throws Exception {
        Harness.Outcome outcome = Harness.send(harness.filter(""), r -> r.header("Authorization", "Bearer " + TOKEN)
                .header("Authorization", "Bearer other"));
        outcome.refused(400, "invalid_request").challenged("invalid_request");
        assertEquals(0, harness.endpoint.calls());
    }

    @Test
    void anotherSchemeIsAnotherFiltersCredential() throws Exception {
        Harness.Outcome outcome = Harness.send(harness.filter(""),
                r -> r.header("Authorization", "Basic YWxpY2U6cHc="));
        assertEquals(1, outcome.upstream().calls(), "left to the route's other filters and the core's gate");
        assertTrue(outcome.exchange().authenticated().isEmpty());
        assertEquals(List.of("Bearer realm=\"gatehouse\""), outcome.exchange().challenges());
        assertEquals("Basic YWxpY2U6cHc=", outcome.upstream().lastRequestHeaders().first("Authorization")
                .orElseThrow(), "not ours to strip");
        assertEquals(0, harness.endpoint.calls());
    }

    @Test
    void noTokenRecordsTheChallengeAndProceedsWithoutAConsumer() throws Exception {
        Harness.Outcome outcome = Harness.send(harness.filter("realm: orders"), r -> r);
        assertEquals(1, outcome.upstream().calls());
        assertTrue(outcome.exchange().authenticated().isEmpty(), "the core's gate refuses it after the last filter");
        assertEquals(List.of("Bearer realm=\"orders\""), outcome.exchange().challenges());
    }

    @Test
    void anonymousAdmitsARequestWithoutAToken() throws Exception {
        Harness.Outcome outcome = Harness.send(harness.filter("anonymous: guest"), r -> r);
        outcome.passed();
        assertEquals(Consumer.anonymous("guest"), outcome.exchange().authenticated().orElseThrow());
        assertEquals(List.of("Bearer realm=\"gatehouse\""), outcome.exchange().challenges());
    }

    @Test
    void anonymousDoesNotAdmitABadToken() throws Exception {
        Harness.bearer(harness.filter("anonymous: guest"), "unknown-token").refused(401, "invalid_token");
    }

    @Test
    void anAnonymousConsumerFromAnEarlierFilterIsReplacedByTheTokensConsumer() throws Exception {
        Harness.Outcome outcome = Harness.send(harness.filter("anonymous: guest"),
                r -> r.consumer(Consumer.anonymous("visitor")).header("Authorization", "Bearer " + TOKEN));
        outcome.passed();
        assertEquals("alice", outcome.exchange().consumer().orElseThrow());

        Harness.Outcome without = Harness.send(harness.filter("anonymous: guest"),
                r -> r.consumer(Consumer.anonymous("visitor")));
        assertEquals(Consumer.anonymous("visitor"), without.exchange().authenticated().orElseThrow(),
                "the earlier anonymous consumer stays");
    }

    @Test
    void aConsumerIdentifiedByAnEarlierFilterDecides() throws Exception {
        Consumer jwt = Consumer.of("carol", Consumer.JWT);
        Harness.Outcome outcome = Harness.send(harness.filter(""),
                r -> r.consumer(jwt).header("Authorization", "Bearer not-even-looked-at"));
        outcome.passed();
        assertEquals(jwt, outcome.exchange().authenticated().orElseThrow());
        assertEquals(0, harness.endpoint.calls());
    }

    @Test
    void theConsumerCarriesGroupsAttributesAndForwardedClaims() throws Exception {
        harness.endpoint.active("t-groups", "\"sub\":\"alice\",\"groups\":[\"staff\",\"admins\"],"
                + "\"email\":\"alice@example.com\",\"tenant\":7,\"roles\":[\"a\",\"b\"],\"nested\":{\"x\":1},"
                + "\"evil\":\"x\\r\\nX-Admin: yes\"");
        Filter filter = harness.filter("groups_claim: groups, attributes: [ email, tenant, nested, absent ], "
                + "forward_claims: { email: X-User-Email, roles: X-User-Roles, evil: X-Evil, absent: X-Absent }");
        assertEquals(Set.of("X-User-Email", "X-User-Roles", "X-Evil", "X-Absent"), filter.identityHeaders());

        Harness.Outcome outcome = Harness.bearer(filter, "t-groups").passed();
        Consumer consumer = outcome.exchange().authenticated().orElseThrow();
        assertEquals(new Consumer("alice", Consumer.OAUTH2, List.of("staff", "admins"),
                Map.of("email", "alice@example.com", "tenant", "7")), consumer);
        Headers upstream = outcome.upstream().lastRequestHeaders();
        assertEquals("alice@example.com", upstream.first("X-User-Email").orElseThrow());
        assertEquals("a, b", upstream.first("X-User-Roles").orElseThrow());
        assertFalse(upstream.contains("X-Evil"), "a claim with a line break is not forwarded");
        assertFalse(upstream.contains("X-Admin"));
        assertFalse(upstream.contains("X-Absent"));
        assertFalse(upstream.contains("Authorization"), "stripped before the upstream");
    }

    @Test
    void aGroupWithACommaIsLeftOutForItWouldReadAsTwoUpstream() throws Exception {
        harness.endpoint.active("t-comma-groups", "\"sub\":\"alice\",\"groups\":[\"staff\",\"users,admins\"]");
        Harness.Outcome outcome = Harness.bearer(harness.filter("groups_claim: groups"), "t-comma-groups").passed();
        assertEquals(List.of("staff"), outcome.exchange().authenticated().orElseThrow().groups());
    }

    @Test
    void groupsMayBeASpaceSeparatedString() throws Exception {
        harness.endpoint.active("t-string-groups", "\"sub\":\"alice\",\"roles\":\" staff  admins \"");
        Harness.Outcome outcome = Harness.bearer(harness.filter("groups_claim: roles"), "t-string-groups").passed();
        assertEquals(List.of("staff", "admins"), outcome.exchange().authenticated().orElseThrow().groups());
    }

    @Test
    void keepCredentialLetsTheTokenThrough() throws Exception {
        Harness.Outcome outcome = Harness.bearer(harness.filter("keep_credential: true"), TOKEN).passed();
        assertEquals("Bearer " + TOKEN, outcome.upstream().lastRequestHeaders().first("Authorization").orElseThrow());
    }

    @Test
    void basicClientAuthenticationAndTheHint() throws Exception {
        Harness.bearer(harness.filter(""), TOKEN).passed();
        IntrospectionEndpoint.Call call = harness.endpoint.received().getFirst();
        assertEquals("basic", call.clientAuth());
        assertEquals(Map.of("token", TOKEN, "token_type_hint", "access_token"), call.form());
    }

    @Test
    void clientAuthenticationInTheBodyWithoutAHint() throws Exception {
        Harness.bearer(harness.filter("client_auth: body, token_type_hint: \"\""), TOKEN).passed();
        IntrospectionEndpoint.Call call = harness.endpoint.received().getFirst();
        assertEquals("body", call.clientAuth());
        assertEquals(Map.of("token", TOKEN, "client_id", Harness.CLIENT_ID, "client_secret", Harness.CLIENT_SECRET),
                call.form());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://192.0.2.10/introspect", "http://as.example/introspect",
            "https://as.example/introspect", "http://localhost:9/introspect", "http://127.0.0.1:9/introspect",
            "http://[::1]:9/introspect"})
    void plainHttpToAHostThatIsNotLoopbackIsWarnedAbout(String url) throws Exception {
        try (LogCapture log = LogCapture.of("gatehouse")) {
            harness.filter(harness.bind("{ introspection_url: \"" + url + "\", client_id: gw, client_secret: s }"));
            boolean remote = url.startsWith("http://192") || url.startsWith("http://as");
            assertEquals(remote ? 1 : 0, log.lines().size(), log.lines()::toString);
            if (remote) {
                assertEquals(Level.WARNING, log.lines().getFirst().level());
                assertTrue(log.lines().getFirst().message().contains("cross the network unencrypted"));
            }
        }
    }

    @Test
    void everyRefusalIsOneInfoLineWithTheRequestIdAndNeverTheTokenOrSecret() throws Exception {
        try (LogCapture log = LogCapture.of("")) {
            Filter filter = harness.filter("required_scopes: [ orders.write ]");
            Harness.send(filter, r -> r.requestId("req-scope").header("Authorization", "Bearer " + TOKEN))
                    .refused(403, "insufficient_scope");
            Harness.send(filter, r -> r.requestId("req-inactive").header("Authorization", "Bearer revoked-tok3n"))
                    .refused(401, "invalid_token");
            harness.endpoint.answer(401, "{\"error\":\"invalid_client\"}");
            Harness.send(filter, r -> r.requestId("req-down").header("Authorization", "Bearer fresh-tok3n"))
                    .refused(503, "introspection_unavailable");

            for (String id : List.of("req-scope", "req-inactive", "req-down")) {
                List<LogCapture.Line> lines = log.containing("request " + id + " ");
                assertEquals(1, lines.size(), () -> id + ": " + log.lines());
                assertEquals(Level.INFO, lines.getFirst().level());
            }
            assertTrue(log.containing("req-scope").getFirst().message().contains("lacks scope orders.write"));
            assertTrue(log.containing("req-down").getFirst().message().contains("client credentials"));
            for (LogCapture.Line line : log.lines()) {
                for (String secret : List.of(TOKEN, "revoked-tok3n", "fresh-tok3n", Harness.CLIENT_SECRET,
                        "s3cret")) {
                    assertFalse(line.message().contains(secret), line::toString);
                    assertTrue(line.thrown() == null, line::toString);
                }
            }
        }
    }
}
