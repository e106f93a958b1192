package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.stream.Stream;

import static io.gatehouse.plugins.auth.apikey.BasicCredentialsTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Password hashes made by Apache's htpasswd (apache2-utils), so bcrypt is checked against another implementation. */
class BasicAuthFilterTest {

    /** htpasswd -nbBC 5 alice 'correct horse battery staple' */
    static final String ALICE_BCRYPT = "$2y$05$RvJzE2KdsBWjzzqFJyQFhe4NDr3deW8B5jvn6Aw.w3VxMaXwSSXCm";
    /** htpasswd -nbBC 5 bob 's3cret:with:colons' */
    static final String BOB_BCRYPT = "$2y$05$SpDccLy0RznSe5iweJpWR.UE6IOQMCYE7CaD64j0e7VjgSUq6SfVm";
    /** htpasswd -nbBC 5 carol 'pässwörd✓' (UTF-8) */
    static final String CAROL_BCRYPT = "$2y$05$ZTkZBqduIRn91b9aTqnDH.1yIGG/ffQV.427x2xNx28Z/agOps/gG";
    /** htpasswd -nbBC 5 dave with a password of 100 'L's */
    static final String DAVE_BCRYPT = "$2y$05$VGUdNdrysy4aZGLkHoVrme7Ncj8oczmC0mU/QffMd/Z9IqMQdoINm";
    /** htpasswd -nbBC 4 erin '' */
    static final String ERIN_BCRYPT = "$2y$04$Wz3pC2aH4H5Pa4OIXlx97ul/lCU3b6Xb2.2FCmEh1ToQwwqv61zJi";

    static BasicAuthConfig config(String anonymous, boolean keep) {
        return new BasicAuthConfig("internal", List.of(
                new BasicAuthConfig.User("alice", ALICE_BCRYPT, List.of("admins")),
                // $2b$ and $2y$ are the same algorithm: the prefix tells which implementation wrote it
                new BasicAuthConfig.User("bob", BOB_BCRYPT.replace("$2y$", "$2b$"), null),
                new BasicAuthConfig.User("carol", CAROL_BCRYPT.replace("$2y$", "$2a$"), null),
                new BasicAuthConfig.User("dave", DAVE_BCRYPT, null),
                new BasicAuthConfig.User("erin", ERIN_BCRYPT, null)), null, anonymous, keep, null, null);
    }

    static io.gatehouse.api.Filter filter(BasicAuthConfig config) throws Exception {
        return new BasicAuthFilterFactory().create(config, TestPluginContext.of(BasicAuthFilterFactory.ID, config));
    }

    static TestExchange.Builder authorization(String value) {
        return TestExchange.builder().header("Authorization", value);
    }

    record Case(String desc, TestExchange.Builder request, String consumer, int status, String code) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        String hundred = "L".repeat(100);
        return Stream.of(
                new Case("good", authorization(basic("alice:correct horse battery staple")), "alice", 200, null),
                new Case("good, scheme in lower case", authorization(basic("alice:correct horse battery staple")
                        .replace("Basic", "basic")), "alice", 200, null),
                new Case("good, $2b$ hash, colons in the password", authorization(basic("bob:s3cret:with:colons")),
                        "bob", 200, null),
                new Case("good, $2a$ hash, UTF-8 password", authorization(basic("carol:pässwörd✓")), "carol", 200,
                        null),
                new Case("good, empty password", authorization(basic("erin:")), "erin", 200, null),
                new Case("long password", authorization(basic("dave:" + hundred)), "dave", 200, null),
                new Case("long password: only 72 bytes count, as in htpasswd", authorization(basic("dave:"
                        + hundred.substring(0, 72) + "different")), "dave", 200, null),
                new Case("long password: 71 bytes are not enough", authorization(basic("dave:"
                        + hundred.substring(0, 71))), null, 401, "invalid_credentials"),
                new Case("wrong password", authorization(basic("alice:Tr0ub4dor&3")), null, 401,
                        "invalid_credentials"),
                new Case("near miss: case", authorization(basic("alice:Correct horse battery staple")), null, 401,
                        "invalid_credentials"),
                new Case("near miss: trailing space", authorization(basic("alice:correct horse battery staple ")),
                        null, 401, "invalid_credentials"),
                new Case("near miss: one character short", authorization(basic("alice:correct horse battery stapl")),
                        null, 401, "invalid_credentials"),
                new Case("near miss: user name case", authorization(basic("Alice:correct horse battery staple")),
                        null, 401, "invalid_credentials"),
                new Case("near miss: UTF-8 password in Latin-1", authorization("Basic " + Base64.getEncoder()
                        .encodeToString("carol:pässwörd".getBytes(StandardCharsets.ISO_8859_1))), null, 401,
                        "malformed_credentials"),
                new Case("near miss: the hash as the password", authorization(basic("alice:" + ALICE_BCRYPT)), null,
                        401, "invalid_credentials"),
                new Case("unknown user", authorization(basic("mallory:correct horse battery staple")), null, 401,
                        "invalid_credentials"),
                new Case("empty user name", authorization(basic(":correct horse battery staple")), null, 401,
                        "invalid_credentials"),
                new Case("bad base64", authorization("Basic %%%"), null, 401, "malformed_credentials"),
                new Case("no colon", authorization("Basic " + Base64.getEncoder().encodeToString("alice".getBytes())),
                        null, 401, "malformed_credentials"),
                new Case("nothing after Basic", authorization("Basic"), null, 401, "malformed_credentials"),
                new Case("two Basic headers", authorization(basic("alice:correct horse battery staple"))
                        .header("Authorization", basic("bob:s3cret:with:colons")), null, 400, "multiple_credentials"),
                new Case("wrong place: Bearer", authorization("Bearer " + Base64.getEncoder().encodeToString(
                        "alice:correct horse battery staple".getBytes())), null, 0, null),
                new Case("wrong place: Proxy-Authorization", TestExchange.builder().header("Proxy-Authorization",
                        basic("alice:correct horse battery staple")), null, 0, null),
                new Case("wrong place: user info in the query", TestExchange.builder()
                        .query("user=alice&password=correct+horse+battery+staple"), null, 0, null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eachRequest(Case c) throws Exception {
        var filter = filter(config(null, false));
        TestExchange exchange = c.request().build();
        TestChain chain = TestChain.ok();
        String challenge = "Basic realm=\"internal\", charset=\"UTF-8\"";
        if (c.status() >= 400) {
            GatewayException refused = assertThrows(GatewayException.class, () -> filter.filter(exchange, chain));
            assertEquals(c.status(), refused.status());
            assertEquals(c.code(), refused.code());
            assertEquals(0, chain.calls());
            assertFalse(refused.getMessage().contains("horse") || refused.getMessage().contains("s3cret"));
            if (c.status() == 401) {
                assertEquals(challenge, refused.headers().get("WWW-Authenticate"));
            }
            return;
        }
        filter.filter(exchange, chain);
        assertEquals(1, chain.calls());
        if (c.consumer() == null) {
            assertTrue(exchange.authenticated().isEmpty());
            assertEquals(List.of(challenge), exchange.challenges());
        } else {
            assertEquals(c.consumer(), exchange.authenticated().orElseThrow().id());
            assertEquals(Consumer.BASIC, exchange.authenticated().orElseThrow().credential());
            assertFalse(chain.lastRequestHeaders().contains("Authorization"), "the password stays here");
        }
    }

    @Test
    void theConsumerHasTheUsersGroups() throws Exception {
        TestExchange exchange = authorization(basic("alice:correct horse battery staple")).build();
        filter(config(null, false)).filter(exchange, TestChain.ok());
        assertEquals(new Consumer("alice", Consumer.BASIC, List.of("admins"), java.util.Map.of()),
                exchange.authenticated().orElseThrow());
    }

    @Test
    void authorizationIsKeptWhenConfiguredAndOtherSchemesAreLeftAlone() throws Exception {
        TestChain kept = TestChain.ok();
        String value = basic("alice:correct horse battery staple");
        filter(config(null, true)).filter(authorization(value).build(), kept);
        assertEquals(value, kept.lastRequestHeaders().first("Authorization").orElseThrow());

        // identified before: not looked at, but the Basic credentials do not go on; a Bearer token does
        TestChain decided = TestChain.ok();
        filter(config(null, false)).filter(authorization("Bearer abc").header("Authorization", basic("x:y"))
                .consumer(Consumer.of("k", Consumer.API_KEY)).build(), decided);
        assertEquals(List.of("Bearer abc"), decided.lastRequestHeaders().all("Authorization"));
    }

    @Test
    void anonymousAdmitsNoCredentialsButNotWrongOnes() throws Exception {
        var filter = filter(config("guest", false));
        TestExchange none = TestExchange.get("/");
        filter.filter(none, TestChain.ok());
        assertEquals(Consumer.anonymous("guest"), none.authenticated().orElseThrow());
        assertThrows(GatewayException.class,
                () -> filter.filter(authorization(basic("alice:wrong")).build(), TestChain.ok()));
        assertThrows(GatewayException.class, () -> filter.filter(authorization("Basic ???").build(), TestChain.ok()));
    }

    /** Counts bcrypt comparisons, delegating to the real one. */
    static final class CountingBcrypt implements BiPredicate<byte[], byte[]> {
        final AtomicInteger calls = new AtomicInteger();
        final List<Integer> costs = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final BiPredicate<byte[], byte[]> real = (password, hash) -> at.favre.lib.crypto.bcrypt.BCrypt
                .verifyer(null, at.favre.lib.crypto.bcrypt.LongPasswordStrategies.none()).verify(password, hash)
                .verified;

        @Override
        public boolean test(byte[] password, byte[] hash) {
            calls.incrementAndGet();
            costs.add(Users.cost(new String(hash, StandardCharsets.US_ASCII)));
            return real.test(password, hash);
        }
    }

    @Test
    void aVerifiedPasswordIsRememberedForTheTtlAndFailuresAreNot() {
        AtomicLong now = new AtomicLong();
        CountingBcrypt bcrypt = new CountingBcrypt();
        PasswordCheck check = new PasswordCheck(Duration.ofSeconds(60), 100, now::get, bcrypt);
        byte[] good = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        assertTrue(check.matches("alice", good, ALICE_BCRYPT));
        assertTrue(check.matches("alice", good.clone(), ALICE_BCRYPT));
        assertTrue(check.matches("alice", good.clone(), ALICE_BCRYPT));
        assertEquals(1, bcrypt.calls.get(), "bcrypt once, then the cache");
        assertEquals(1, check.remembered());

        assertFalse(check.matches("alice", "wrong".getBytes(), ALICE_BCRYPT));
        assertFalse(check.matches("alice", "wrong".getBytes(), ALICE_BCRYPT));
        assertEquals(3, bcrypt.calls.get(), "a failure costs bcrypt every time");

        assertFalse(check.matches("alice", good.clone(), BOB_BCRYPT), "another stored hash: not a cache hit");
        assertEquals(4, bcrypt.calls.get());

        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertTrue(check.matches("alice", good.clone(), ALICE_BCRYPT));
        assertEquals(4, bcrypt.calls.get());
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertTrue(check.matches("alice", good.clone(), ALICE_BCRYPT));
        assertEquals(5, bcrypt.calls.get(), "expired: bcrypt again");

        check.forgetAll();
        assertEquals(0, check.remembered());
        assertTrue(check.matches("alice", good.clone(), ALICE_BCRYPT));
        assertEquals(6, bcrypt.calls.get());
    }

    @Test
    void noCacheWhenTurnedOff() {
        CountingBcrypt bcrypt = new CountingBcrypt();
        PasswordCheck check = new PasswordCheck(Duration.ZERO, 100, System::nanoTime, bcrypt);
        byte[] good = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        assertTrue(check.matches("alice", good, ALICE_BCRYPT));
        assertTrue(check.matches("alice", good.clone(), ALICE_BCRYPT));
        assertEquals(2, bcrypt.calls.get());
        assertEquals(0, check.remembered());
    }

    @Test
    void anUnknownUserCostsABcryptComparisonAtTheCostMostUsersHave() throws Exception {
        CountingBcrypt bcrypt = new CountingBcrypt();
        PasswordCheck check = new PasswordCheck(Duration.ofMinutes(1), 100, System::nanoTime, bcrypt);
        BasicAuthConfig config = config(null, false);
        Users.Table table = Users.CATALOG.build(config.users().stream()
                .map(u -> new EntryFile.Located<>("u", u)).toList(), new RecordedProblems());
        assertEquals(5, table.typicalCost(), "four users at cost 5, one at 4");
        var filter = new BasicAuthFilter(config, () -> table, check, System.getLogger("test"));
        assertThrows(GatewayException.class, () -> filter.filter(
                authorization(basic("mallory:correct horse battery staple")).build(), TestChain.ok()));
        assertEquals(List.of(5), bcrypt.costs);
    }

    @Test
    void thePasswordBytesAreWipedAfterTheCheck() throws Exception {
        CountingBcrypt bcrypt = new CountingBcrypt();
        BasicAuthConfig config = config(null, false);
        Users.Table table = Users.CATALOG.build(config.users().stream()
                .map(u -> new EntryFile.Located<>("u", u)).toList(), new RecordedProblems());
        var filter = new BasicAuthFilter(config, () -> table,
                new PasswordCheck(Duration.ZERO, 0, System::nanoTime, bcrypt), System.getLogger("test"));
        BasicCredentials credentials = BasicCredentials.decode(basic("alice:correct horse battery staple"));
        filter.verify(credentials, TestExchange.get("/"));
        for (byte b : credentials.password()) {
            assertEquals(0, b);
        }
    }
}
