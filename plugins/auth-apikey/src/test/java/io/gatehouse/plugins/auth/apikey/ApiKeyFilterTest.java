package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeyFilterTest {

    static final String ALICE_KEY = "ak_alice_7Qm2Zr9XvWp3";
    /** printf %s ak_alice_7Qm2Zr9XvWp3 | sha256sum */
    static final String ALICE_HASH = "sha256:0b8c051a831a3a2a2069afa27523de877b80883dbb3e424e757e49c51441a861";
    static final String BOB_KEY = "ak_bob_Lx82nDq0Yt5e";
    static final String BOB_HASH = "sha256:85F9853801EAA58930E389153B97733F85C467456083B3F1A41C67F9B8CBC82A";

    static ApiKeyConfig config(String queryParam, String anonymous, boolean keep) {
        return new ApiKeyConfig(null, queryParam, List.of(
                new ApiKeyConfig.Key(ALICE_HASH, "alice", List.of("admins", "staff")),
                new ApiKeyConfig.Key(BOB_HASH, "bob", null)), null, anonymous, "api", keep);
    }

    static io.gatehouse.api.Filter filter(ApiKeyConfig config) throws Exception {
        return new ApiKeyFilterFactory().create(config, TestPluginContext.of(ApiKeyFilterFactory.ID, config));
    }

    /** A request and what the filter must make of it: the consumer it identifies, or the refusal. */
    record Case(String desc, TestExchange.Builder request, String consumer, int status, String code) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static TestExchange.Builder header(String value) {
        return TestExchange.builder().header("X-API-Key", value);
    }

    static TestExchange.Builder query(String rawQuery) {
        return TestExchange.builder().query(rawQuery);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("good key in the header", header(ALICE_KEY), "alice", 200, null),
                new Case("good key, upper-case hash in config", header(BOB_KEY), "bob", 200, null),
                new Case("header name in another case", TestExchange.builder().header("x-api-key", ALICE_KEY),
                        "alice", 200, null),
                new Case("good key in the query", query("api_key=" + ALICE_KEY), "alice", 200, null),
                new Case("good key percent-encoded in the query", query("api_key=ak%5Falice%5F7Qm2Zr9XvWp3"),
                        "alice", 200, null),
                new Case("wrong key", header("ak_mallory_000000000000"), null, 401, "invalid_api_key"),
                new Case("near miss: last character", header("ak_alice_7Qm2Zr9XvWp4"), null, 401,
                        "invalid_api_key"),
                new Case("near miss: case", header("AK_ALICE_7QM2ZR9XVWP3"), null, 401, "invalid_api_key"),
                new Case("near miss: prefix", header("ak_alice_7Qm2Zr9XvWp"), null, 401, "invalid_api_key"),
                new Case("near miss: one more character", header(ALICE_KEY + "x"), null, 401, "invalid_api_key"),
                new Case("near miss: trailing space in the query", query("api_key=" + ALICE_KEY + "%20"), null,
                        401, "invalid_api_key"),
                new Case("near miss: the hash instead of the key", header(ALICE_HASH), null, 401,
                        "invalid_api_key"),
                new Case("near miss: the hex of the hash", header(ALICE_HASH.substring(7)), null, 401,
                        "invalid_api_key"),
                new Case("empty header", header(""), null, 401, "invalid_api_key"),
                new Case("empty query parameter", query("api_key="), null, 401, "invalid_api_key"),
                new Case("wrong place: Authorization Bearer", TestExchange.builder()
                        .header("Authorization", "Bearer " + ALICE_KEY), null, 0, null),
                new Case("wrong place: another header", TestExchange.builder().header("X-Api-Token", ALICE_KEY),
                        null, 0, null),
                new Case("wrong place: a cookie", TestExchange.builder().header("Cookie", "api_key=" + ALICE_KEY),
                        null, 0, null),
                new Case("wrong place: another query parameter", query("key=" + ALICE_KEY), null, 0, null),
                new Case("wrong place: the path", TestExchange.builder().path("/" + ALICE_KEY), null, 0, null),
                new Case("two keys: header and query", header(ALICE_KEY).query("api_key=" + ALICE_KEY), null, 400,
                        "multiple_api_keys"),
                new Case("two keys: two headers", header(ALICE_KEY).header("X-API-Key", BOB_KEY), null, 400,
                        "multiple_api_keys"),
                new Case("two keys: two query parameters", query("api_key=" + ALICE_KEY + "&api_key=" + BOB_KEY),
                        null, 400, "multiple_api_keys"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eachRequest(Case c) throws Exception {
        var filter = filter(config("api_key", null, false));
        TestExchange exchange = c.request().build();
        TestChain chain = TestChain.ok();
        if (c.status() >= 400) {
            GatewayException refused = assertThrows(GatewayException.class, () -> filter.filter(exchange, chain));
            assertEquals(c.status(), refused.status());
            assertEquals(c.code(), refused.code());
            assertEquals(0, chain.calls(), "nothing goes on after a refusal");
            assertFalse(refused.getMessage().contains(ALICE_KEY) || refused.getMessage().contains(BOB_KEY));
            if (c.status() == 401) {
                assertEquals("ApiKey realm=\"api\"", refused.headers().get("WWW-Authenticate"));
            }
            return;
        }
        filter.filter(exchange, chain);
        assertEquals(1, chain.calls());
        if (c.consumer() == null) {
            assertTrue(exchange.authenticated().isEmpty(), "no credential: no consumer, the core's gate decides");
            assertEquals(List.of("ApiKey realm=\"api\""), exchange.challenges());
        } else {
            Consumer consumer = exchange.authenticated().orElseThrow();
            assertEquals(c.consumer(), consumer.id());
            assertEquals(Consumer.API_KEY, consumer.credential());
            assertTrue(exchange.challenges().isEmpty());
        }
    }

    @Test
    void theConsumerCarriesTheKeysGroups() throws Exception {
        TestExchange exchange = header(ALICE_KEY).build();
        filter(config(null, null, false)).filter(exchange, TestChain.ok());
        assertEquals(List.of("admins", "staff"), exchange.authenticated().orElseThrow().groups());
    }

    @Test
    void theQueryParameterIsRemovedAndTheRestOfTheQueryKeptByteForByte() throws Exception {
        TestExchange exchange = query("a=1%2F2&api_key=" + ALICE_KEY + "&b=x+y&c").build();
        TestChain chain = TestChain.ok();
        filter(config("api_key", null, true)).filter(exchange, chain);
        assertEquals("a=1%2F2&b=x+y&c", chain.lastExchange().orElseThrow().request().rawQuery());
    }

    @Test
    void theHeaderIsRemovedUnlessKept() throws Exception {
        TestChain removed = TestChain.ok();
        filter(config(null, null, false)).filter(header(ALICE_KEY).header("X-Other", "1").build(), removed);
        assertFalse(removed.lastRequestHeaders().contains("X-API-Key"));
        assertEquals("1", removed.lastRequestHeaders().first("X-Other").orElseThrow());

        TestChain kept = TestChain.ok();
        filter(config(null, null, true)).filter(header(ALICE_KEY).build(), kept);
        assertEquals(ALICE_KEY, kept.lastRequestHeaders().first("X-API-Key").orElseThrow());
    }

    @Test
    void aQueryWithoutTheParameterIsLeftAsSent() throws Exception {
        TestExchange exchange = header(ALICE_KEY).query("a=1&&b=2").build();
        filter(config("api_key", null, false)).filter(exchange, TestChain.ok());
        assertEquals("a=1&&b=2", exchange.request().rawQuery());
    }

    @Test
    void anonymousAdmitsARequestWithoutAKeyButNotOneWithAWrongKey() throws Exception {
        var filter = filter(config("api_key", "guest", false));
        TestExchange none = TestExchange.get("/");
        filter.filter(none, TestChain.ok());
        assertEquals(Consumer.anonymous("guest"), none.authenticated().orElseThrow());
        assertEquals(List.of("ApiKey realm=\"api\""), none.challenges());

        TestChain chain = TestChain.ok();
        GatewayException refused = assertThrows(GatewayException.class,
                () -> filter.filter(header("ak_wrong").build(), chain));
        assertEquals(401, refused.status());
        assertEquals(0, chain.calls());

        TestExchange good = header(BOB_KEY).build();
        filter.filter(good, TestChain.ok());
        assertEquals("bob", good.authenticated().orElseThrow().id());
    }

    @Test
    void anEarlierAnonymousConsumerIsReplacedByTheKeysAndAnEarlierRealOneIsKept() throws Exception {
        var filter = filter(config("api_key", "other-guest", false));
        TestExchange anonymous = header(ALICE_KEY).consumer(Consumer.anonymous("guest")).build();
        filter.filter(anonymous, TestChain.ok());
        assertEquals("alice", anonymous.authenticated().orElseThrow().id());

        TestExchange stillAnonymous = TestExchange.builder().consumer(Consumer.anonymous("guest")).build();
        filter.filter(stillAnonymous, TestChain.ok());
        assertEquals("guest", stillAnonymous.authenticated().orElseThrow().id(), "the first anonymous stays");

        // identified by an earlier filter: this one does not look, not even at a wrong key, but keeps it from the
        // upstream
        Consumer carol = Consumer.of("carol", Consumer.BASIC);
        TestExchange decided = header("ak_wrong").query("api_key=ak_wrong2&x=1").consumer(carol).build();
        TestChain chain = TestChain.ok();
        filter.filter(decided, chain);
        assertEquals(carol, decided.authenticated().orElseThrow());
        assertFalse(chain.lastRequestHeaders().contains("X-API-Key"));
        assertEquals("x=1", decided.request().rawQuery());
        assertTrue(decided.challenges().isEmpty());
    }

    @Test
    void itAuthenticatesAndDeclaresNoExtraIdentityHeaders() throws Exception {
        var filter = filter(config(null, null, false));
        assertTrue(filter.authenticates());
        assertTrue(filter.identityHeaders().isEmpty());
    }

    @Test
    void aKeyThatIsNotAsciiIsHashedAsItsUtf8Bytes() throws Exception {
        String key = "clé-ünïcode";
        String hash = KeyHash.PREFIX + KeyHash.hex(KeyHash.of(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ApiKeyConfig config = new ApiKeyConfig(null, "k", List.of(new ApiKeyConfig.Key(hash, "u", null)), null,
                null, null, false);
        var filter = filter(config);
        // a header arrives as ISO-8859-1 text of the bytes sent; the client sent UTF-8
        String onTheWire = new String(key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        TestExchange inHeader = header(onTheWire).build();
        filter.filter(inHeader, TestChain.ok());
        assertEquals("u", inHeader.authenticated().orElseThrow().id());
        TestExchange inQuery = query("k=" + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8))
                .build();
        filter.filter(inQuery, TestChain.ok());
        assertEquals("u", inQuery.authenticated().orElseThrow().id());
    }
}
