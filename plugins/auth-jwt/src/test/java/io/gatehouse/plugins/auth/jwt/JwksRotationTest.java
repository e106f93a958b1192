package io.gatehouse.plugins.auth.jwt;

import io.gatehouse.api.testkit.TestClock;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JWKS cache against a real JWKS host on loopback: rotation, a flood of made-up {@code kid}s, the host going
 * down, the host unreachable at start, and keys kept across config reloads. Rate limiting runs on a
 * {@link TestClock}, so nothing here waits for {@code min_refresh_interval} to pass.
 */
class JwksRotationTest {

    private static final String PATH = "/.well-known/jwks.json";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final TestClock clock = new TestClock(TestTokens.NOW);
    private final List<TestPluginContext> contexts = new ArrayList<>();
    private final RSAKey first = TestTokens.rsa("key-1");
    private final RSAKey second = TestTokens.rsa("key-2");
    private JwksServer jwks;

    @BeforeEach
    void start() throws Exception {
        jwks = JwksServer.start().serve(PATH, TestTokens.jwks(first));
    }

    @AfterEach
    void stop() throws Exception {
        for (TestPluginContext context : contexts) {
            context.drained();
        }
        jwks.close();
    }

    private JwtConfig config(String extra) {
        return TestConfigs.valid("jwks_url: \"" + jwks.url(PATH) + "\"\nalgorithms: [RS256]\n" + extra);
    }

    private Filter route(JwtConfig config, Clock time) throws Exception {
        TestPluginContext context = TestPluginContext.of(JwtFilterFactory.ID, config);
        contexts.add(context);
        return new JwtFilterFactory(time).create(config, context);
    }

    private static String token(RSAKey key) {
        return TestTokens.sign(JWSAlgorithm.RS256, key, TestTokens.claims().build());
    }

    private static TestExchange request(String token) {
        return TestExchange.builder().header("Authorization", "Bearer " + token).build();
    }

    private static boolean passes(Filter filter, String token) throws Exception {
        TestChain chain = TestChain.ok();
        try {
            filter.filter(request(token), chain);
            return chain.calls() == 1;
        } catch (GatewayException e) {
            return false;
        }
    }

    private static GatewayException refusal(Filter filter, String token) {
        return assertThrows(GatewayException.class, () -> filter.filter(request(token), TestChain.ok()));
    }

    @Test
    void aRotatedKeyPassesAfterOneRefetch() throws Exception {
        Filter filter = route(config(""), clock);
        assertTrue(passes(filter, token(first)));
        assertEquals(1, jwks.requests(PATH), "fetched once at start");

        jwks.serve(PATH, TestTokens.jwks(first, second));
        assertFalse(passes(filter, token(second)), "the start's fetch counts: no refetch within min_refresh_interval");
        assertEquals(1, jwks.requests(PATH));
        clock.advance(JwtConfig.DEFAULT_MIN_REFRESH);
        assertTrue(passes(filter, token(second)), "the new key passes after a refetch");
        assertEquals(2, jwks.requests(PATH), "exactly one refetch");
        assertTrue(passes(filter, token(second)));
        assertTrue(passes(filter, token(first)));
        assertEquals(2, jwks.requests(PATH), "known keys cause no fetch");

        RSAKey third = TestTokens.rsa("key-3");
        jwks.serve(PATH, TestTokens.jwks(second, third));
        assertEquals("invalid_token", refusal(filter, token(third)).code(),
                "within min_refresh_interval of the last fetch the JWKS is not fetched again");
        assertEquals(2, jwks.requests(PATH));
        clock.advance(JwtConfig.DEFAULT_MIN_REFRESH);
        assertTrue(passes(filter, token(third)));
        assertEquals(3, jwks.requests(PATH));
        assertFalse(passes(filter, token(first)), "a key removed from the JWKS is no longer accepted");
    }

    @Test
    void aFloodOfRandomKidsCausesAtMostOneFetchPerInterval() throws Exception {
        Filter filter = route(config("refresh_interval: 1h\n"), clock);
        assertEquals(1, jwks.requests(PATH));
        for (int interval = 1; interval <= 3; interval++) {
            clock.advance(JwtConfig.DEFAULT_MIN_REFRESH);
            List<String> codes = flood(filter, 1000);
            assertEquals(1000, codes.size());
            assertTrue(codes.stream().allMatch("invalid_token"::equals), "every made-up kid is refused: " + codes);
            assertEquals(1 + interval, jwks.requests(PATH), "one fetch for 1000 unknown kids in interval " + interval);
        }
        assertTrue(passes(filter, token(first)));
    }

    /** Concurrent requests, each with a token naming a random kid (with some other token's signature). */
    private static List<String> flood(Filter filter, int requests) throws Exception {
        String payload = TestTokens.b64(TestTokens.payload(TestTokens.claims().build()));
        String signature = token(TestTokens.rsa("attacker")).split("\\.")[2];
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            tokens.add(TestTokens.b64("{\"alg\":\"RS256\",\"kid\":\"" + UUID.randomUUID() + "\"}") + "." + payload
                    + "." + signature);
        }
        List<String> codes = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (String token : tokens) {
                results.add(threads.submit(() -> refusal(filter, token).code()));
            }
            for (Future<String> result : results) {
                codes.add(result.get());
            }
        }
        return codes;
    }

    @Test
    void cachedKeysKeepWorkingWhileTheJwksHostIsDown() throws Exception {
        Filter filter = route(config(""), clock);
        assertTrue(passes(filter, token(first)));
        jwks.stop();
        try (LogCapture log = LogCapture.of("gatehouse")) {
            clock.advance(JwtConfig.DEFAULT_MIN_REFRESH);
            assertEquals("invalid_token", refusal(filter, token(second)).code(), "an unknown key while the host is down");
            assertTrue(log.lines().stream().anyMatch(line -> line.message().contains("could not be fetched")
                    && line.message().contains("stay in use")), log.lines().toString());
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(passes(filter, token(first)), "the cached key still passes");
        }
    }

    @Test
    void aJwksUnreachableAtStartMeans503UntilItCanBeFetched() throws Exception {
        jwks.stop();
        Filter filter;
        try (LogCapture log = LogCapture.of("gatehouse")) {
            filter = route(config("min_refresh_interval: 200ms\n"), Clock.systemUTC());
            assertTrue(log.lines().stream().anyMatch(line -> line.message().contains("could not be fetched at start")
                    && line.message().contains("503")), "the route says so: " + log.lines());
        }
        String token = TestTokens.sign(JWSAlgorithm.RS256, first, TestTokens.claims()
                .expirationTime(java.util.Date.from(java.time.Instant.now().plusSeconds(600)))
                .issueTime(java.util.Date.from(java.time.Instant.now())).build());
        GatewayException unavailable = refusal(filter, token);
        assertEquals(503, unavailable.status());
        assertEquals("jwks_unavailable", unavailable.code());
        assertTrue(Long.parseLong(unavailable.headers().get("Retry-After")) >= 1);

        TestExchange anonymous = TestExchange.builder().build();
        TestChain chain = TestChain.ok();
        filter.filter(anonymous, chain);
        assertTrue(anonymous.authenticated().isEmpty(), "no token: left to the core's gate, which answers 401");
        assertEquals(List.of("Bearer realm=\"gatehouse\""), anonymous.challenges());

        jwks.restart();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!passes(filter, token)) {
            assertTrue(System.nanoTime() < deadline, "the route did not recover after the JWKS host came up");
            Thread.sleep(50);
        }
    }

    @Test
    void keysSurviveAReloadThatLeavesTheFilterUnchanged() throws Exception {
        JwtConfig config = config("");
        TestPluginContext generation1 = TestPluginContext.of(JwtFilterFactory.ID, config);
        Filter filter1 = new JwtFilterFactory(clock).create(config, generation1);
        assertTrue(passes(filter1, token(first)));
        TestPluginContext generation2 = generation1.reload(config);
        Filter filter2 = new JwtFilterFactory(clock).create(config, generation2);
        assertSame(generation1.states().getFirst(), generation2.states().getFirst());
        assertTrue(passes(filter2, token(first)));
        assertEquals(1, jwks.requests(PATH), "the reload fetched nothing");

        JwtConfig changed = config("leeway: 10s\n");
        TestPluginContext generation3 = generation2.reload(changed);
        new JwtFilterFactory(clock).create(changed, generation3);
        assertNotSame(generation2.states().getFirst(), generation3.states().getFirst());
        assertEquals(2, jwks.requests(PATH), "a changed config starts with a fresh fetch");
        generation1.drained();
        generation2.drained();
        generation3.drained();
    }

    @Test
    void theJwksIsRefreshedInTheBackground() throws Exception {
        Filter filter = route(config("refresh_interval: 200ms\nmin_refresh_interval: 100ms\n"), clock);
        jwks.serve(PATH, TestTokens.jwks(second));
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (jwks.requests(PATH) < 3) {
            assertTrue(System.nanoTime() < deadline, "no background refresh");
            Thread.sleep(20);
        }
        assertTrue(passes(filter, token(second)), "the background refresh brought the new key");
        assertFalse(passes(filter, token(first)), "and dropped the old one");
    }
}
