package io.gatehouse.plugins.auth.oauth2;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.Filter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the filter makes of each kind of introspection answer, as one table: the endpoint vouches for a token with
 * the case's claims (or does not know it), and the filter is configured with the case's keys.
 */
class IntrospectionVerdictTest extends AgainstEndpoint {

    private static final long NOW = Harness.START.getEpochSecond();
    private static final String TOKEN = "2YotnFZFEjr1zCsicMWpAA";

    /**
     * @param claims   the claims of the active answer; {@code null}: the endpoint answers {@code "active": false}
     * @param config   extra config keys
     * @param status   the refusal's status; 0: the request passes
     * @param expected the refusal's code, or the consumer id the request passes as
     */
    record Case(String desc, String claims, String config, int status, String expected) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        String scopes = "required_scopes: [ orders.read ]";
        return Stream.of(
                new Case("active with a subject", "\"sub\":\"alice\"", "", 0, "alice"),
                new Case("not active", null, "", 401, "invalid_token"),
                new Case("active, exp in the future", "\"sub\":\"alice\",\"exp\":" + (NOW + 60), "", 0, "alice"),
                new Case("active, exp in the past", "\"sub\":\"alice\",\"exp\":" + (NOW - 1), "", 401,
                        "invalid_token"),
                new Case("active, exp is now", "\"sub\":\"alice\",\"exp\":" + NOW, "", 401, "invalid_token"),
                new Case("active, exp fractional and future", "\"sub\":\"alice\",\"exp\":" + (NOW + 5) + ".5", "", 0,
                        "alice"),
                new Case("issuer as configured", "\"sub\":\"alice\",\"iss\":\"https://as.example\"",
                        "issuer: \"https://as.example\"", 0, "alice"),
                new Case("another issuer", "\"sub\":\"alice\",\"iss\":\"https://evil.example\"",
                        "issuer: \"https://as.example\"", 401, "invalid_token"),
                new Case("no issuer where one is configured", "\"sub\":\"alice\"", "issuer: \"https://as.example\"",
                        401, "invalid_token"),
                new Case("audience as a string", "\"sub\":\"alice\",\"aud\":\"orders\"", "audiences: [ orders ]", 0,
                        "alice"),
                new Case("audience in an array", "\"sub\":\"alice\",\"aud\":[\"billing\",\"orders\"]",
                        "audiences: [ orders, shop ]", 0, "alice"),
                new Case("another audience", "\"sub\":\"alice\",\"aud\":\"billing\"", "audiences: [ orders ]", 401,
                        "invalid_token"),
                new Case("no audience where one is configured", "\"sub\":\"alice\"", "audiences: [ orders ]", 401,
                        "invalid_token"),
                new Case("required scope present", "\"sub\":\"alice\",\"scope\":\"orders.write orders.read\"",
                        scopes, 0, "alice"),
                new Case("required scope missing", "\"sub\":\"alice\",\"scope\":\"orders.write\"", scopes, 403,
                        "insufficient_scope"),
                new Case("no scope at all", "\"sub\":\"alice\"", scopes, 403, "insufficient_scope"),
                new Case("a scope that only starts like the required one",
                        "\"sub\":\"alice\",\"scope\":\"orders.reader\"", scopes, 403, "insufficient_scope"),
                new Case("scopes as an array", "\"sub\":\"alice\",\"scope\":[\"orders.read\"]", scopes, 0, "alice"),
                new Case("one of two required scopes", "\"sub\":\"alice\",\"scope\":\"orders.read\"",
                        "required_scopes: [ orders.read, orders.write ]", 403, "insufficient_scope"),
                new Case("scopes in a configured claim", "\"sub\":\"alice\",\"scp\":\"orders.read\"",
                        scopes + ", scope_claim: scp", 0, "alice"),
                new Case("no sub: username", "\"username\":\"bob\",\"client_id\":\"app\"", "", 0, "bob"),
                new Case("no sub, no username: client_id", "\"client_id\":\"billing-app\"", "", 0, "billing-app"),
                new Case("sub not usable (an object): username", "\"sub\":{\"id\":1},\"username\":\"bob\"", "", 0,
                        "bob"),
                new Case("blank sub: username", "\"sub\":\"  \",\"username\":\"bob\"", "", 0, "bob"),
                new Case("numeric sub", "\"sub\":42", "", 0, "42"),
                new Case("no identity at all", "\"scope\":\"orders.read\"", "", 401, "invalid_token"),
                new Case("sub with a line break", "\"sub\":\"alice\\r\\nX-Evil: 1\"", "", 401, "invalid_token"),
                new Case("configured consumer claim", "\"sub\":\"u-1\",\"email\":\"a@example.com\"",
                        "consumer_claim: email", 0, "a@example.com"),
                new Case("configured consumer claim missing: no fallback", "\"sub\":\"u-1\"", "consumer_claim: email",
                        401, "invalid_token"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void verdict(Case c) throws Exception {
        if (c.claims() != null) {
            harness.endpoint.active(TOKEN, c.claims());
        }
        Filter filter = harness.filter(c.config());
        Harness.Outcome outcome = Harness.bearer(filter, TOKEN);
        assertEquals(1, harness.endpoint.calls(), "one introspection call");
        if (c.status() == 0) {
            outcome.passed();
            Consumer consumer = outcome.exchange().authenticated().orElseThrow();
            assertEquals(c.expected(), consumer.id());
            assertEquals(Consumer.OAUTH2, consumer.credential());
            return;
        }
        outcome.refused(c.status(), c.expected()).challenged(c.expected());
        assertTrue(outcome.exchange().authenticated().isEmpty(), "no consumer on a refused request");
        String message = outcome.refusal().getMessage() + outcome.challenge();
        assertTrue(!message.contains(TOKEN), "the token is not in the answer");
        if (c.status() == 403) {
            assertTrue(outcome.challenge().contains("scope=\""), outcome.challenge());
        }
    }
}
