package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.testkit.TestClock;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.api.Consumer;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code filter.jwt} does with a good token, and without one: consumer, forwarded claims, token removal. */
class JwtFilterTest {

    private static final String SECRET = "secret: \"" + TestTokens.SECRET + "\"\n";

    private static Filter filter(String yaml) throws Exception {
        JwtConfig config = TestConfigs.valid(SECRET + yaml);
        return new JwtFilterFactory(new TestClock(TestTokens.NOW))
                .create(config, TestPluginContext.of(JwtFilterFactory.ID, config));
    }

    private static String token(JWTClaimsSet.Builder claims) {
        return TestTokens.hs256(TestTokens.secretBytes(), claims.build());
    }

    @Test
    void theConsumerCarriesTheSubjectGroupsAndForwardedClaims() throws Exception {
        Filter filter = filter("""
                groups_claim: roles
                forward_claims: { email: X-User-Email, tier: X-User-Tier, roles: X-User-Roles, sub: X-User-Id }
                """);
        assertTrue(filter.authenticates());
        assertEquals(Set.of("X-User-Email", "X-User-Tier", "X-User-Roles", "X-User-Id"), filter.identityHeaders());
        TestExchange exchange = TestExchange.builder()
                .header("Authorization", "Bearer " + token(TestTokens.claims().claim("email", "alice@example.com")
                        .claim("tier", 3).claim("roles", List.of("admin", "ops", "bad,group", " ")))).build();
        TestChain chain = TestChain.ok();
        filter.filter(exchange, chain);
        Consumer consumer = exchange.authenticated().orElseThrow();
        assertEquals("alice", consumer.id());
        assertEquals(Consumer.JWT, consumer.credential());
        assertEquals(List.of("admin", "ops"), consumer.groups(), "groups with a comma or blank are left out");
        assertEquals(Map.of("email", "alice@example.com", "tier", "3", "roles", "admin,ops,bad,group, ",
                "sub", "alice"), consumer.attributes());
        Headers upstream = chain.lastRequestHeaders();
        assertEquals("alice@example.com", upstream.first("X-User-Email").orElseThrow());
        assertEquals("3", upstream.first("X-User-Tier").orElseThrow());
        assertEquals("alice", upstream.first("X-User-Id").orElseThrow());
        assertFalse(upstream.contains("Authorization"), "the token is removed before the upstream");
    }

    @Test
    void aClaimTheTokenLacksIsNotForwarded() throws Exception {
        Filter filter = filter("forward_claims: { email: X-User-Email, name: X-User-Name }\n");
        TestExchange exchange = TestExchange.builder().header("Authorization", "Bearer "
                + token(TestTokens.claims().claim("name", "Zoë"))).build();
        TestChain chain = TestChain.ok();
        filter.filter(exchange, chain);
        assertFalse(chain.lastRequestHeaders().contains("X-User-Email"));
        assertFalse(chain.lastRequestHeaders().contains("X-User-Name"), "not printable ASCII: not forwarded");
    }

    @Test
    void keepCredentialSendsTheAuthorizationHeaderOn() throws Exception {
        String token = token(TestTokens.claims());
        TestChain chain = TestChain.ok();
        filter("keep_credential: true\n").filter(TestExchange.builder().header("Authorization", "Bearer " + token)
                .build(), chain);
        assertEquals("Bearer " + token, chain.lastRequestHeaders().first("Authorization").orElseThrow());
    }

    @Test
    void onlyTheTokenIsRemovedFromCookiesQueryAndAuthorization() throws Exception {
        String token = token(TestTokens.claims());
        TestChain chain = TestChain.ok();
        TestExchange exchange = TestExchange.builder().query("a=1&jwt=" + token + "&b=2")
                .header("Cookie", "theme=dark; auth=" + token + "; lang=en")
                .header("Authorization", "Basic dXNlcjpwdw==").build();
        filter("cookie: auth\nquery_param: jwt\n").filter(exchange, chain);
        Headers upstream = chain.lastRequestHeaders();
        assertEquals("theme=dark; lang=en", upstream.first("Cookie").orElseThrow());
        assertEquals(List.of("Basic dXNlcjpwdw=="), upstream.all("Authorization"), "another scheme is left alone");
        assertEquals("a=1&b=2", chain.lastExchange().orElseThrow().request().rawQuery());
    }

    @Test
    void withoutATokenTheFilterChallengesOrAdmitsTheAnonymousConsumer() throws Exception {
        TestExchange plain = TestExchange.get("/x");
        filter("realm: api\n").filter(plain, TestChain.ok());
        assertTrue(plain.authenticated().isEmpty());
        assertEquals(List.of("Bearer realm=\"api\""), plain.challenges());

        TestExchange guest = TestExchange.get("/x");
        filter("anonymous: guest\n").filter(guest, TestChain.ok());
        assertEquals(Consumer.anonymous("guest"), guest.authenticated().orElseThrow());
    }

    @Test
    void aConsumerFoundByAnEarlierFilterDecides() throws Exception {
        TestExchange exchange = TestExchange.builder().consumer(Consumer.of("bob", Consumer.API_KEY))
                .header("Authorization", "Bearer not-even-a-token").build();
        TestChain chain = TestChain.ok();
        filter("").filter(exchange, chain);
        assertEquals(1, chain.calls());
        assertEquals("bob", exchange.authenticated().orElseThrow().id());
    }

    @Test
    void aTokenReplacesAnAnonymousConsumerAndABadOneIsRefusedDespiteIt() throws Exception {
        Filter filter = filter("");
        TestExchange exchange = TestExchange.builder().consumer(Consumer.anonymous("guest"))
                .header("Authorization", "Bearer " + token(TestTokens.claims())).build();
        filter.filter(exchange, TestChain.ok());
        assertEquals("alice", exchange.authenticated().orElseThrow().id());

        TestExchange bad = TestExchange.builder().consumer(Consumer.anonymous("guest"))
                .header("Authorization", "Bearer " + token(TestTokens.claims()) + "x").build();
        assertEquals(401, assertThrows(GatewayException.class, () -> filter.filter(bad, TestChain.ok())).status());
    }
}
