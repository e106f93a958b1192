package io.gatehouse.plugins.auth.oauth2;

import io.gatehouse.api.Filter;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How long answers are kept, how many, under which key, shared by whom, and across which reloads. */
class IntrospectionCacheTest extends AgainstEndpoint {

    private static final long NOW = Harness.START.getEpochSecond();
    private static final String TOKEN = "Bq9Jk-2mX_pL7.vR4tY8wZ";

    @BeforeEach
    void setUp() throws Exception {
        harness.endpoint.active(TOKEN, "\"sub\":\"alice\"");
    }

    @Test
    void manyRequestsWithOneTokenMakeOneCall() throws Exception {
        Filter filter = harness.filter("");
        for (int i = 0; i < 100; i++) {
            Harness.bearer(filter, TOKEN).passed();
        }
        assertEquals(1, harness.endpoint.calls());
    }

    @Test
    void anActiveAnswerIsKeptForCacheTtl() throws Exception {
        Filter filter = harness.filter("cache_ttl: 30s");
        Harness.bearer(filter, TOKEN).passed();
        harness.endpoint.revoke(TOKEN);
        harness.clock.advance(Duration.ofSeconds(29));
        Harness.bearer(filter, TOKEN).passed();
        assertEquals(1, harness.endpoint.calls(), "a revocation shows after cache_ttl at the latest");
        harness.clock.advance(Duration.ofSeconds(2));
        Harness.bearer(filter, TOKEN).refused(401, "invalid_token");
        assertEquals(2, harness.endpoint.calls());
    }

    @Test
    void anActiveAnswerIsNeverKeptPastItsExp() throws Exception {
        harness.endpoint.active("short-lived", "\"sub\":\"alice\",\"exp\":" + (NOW + 10));
        Filter filter = harness.filter("cache_ttl: 60s");
        Harness.bearer(filter, "short-lived").passed();
        harness.clock.advance(Duration.ofSeconds(9));
        Harness.bearer(filter, "short-lived").passed();
        assertEquals(1, harness.endpoint.calls());
        harness.clock.advance(Duration.ofSeconds(2));
        Harness.bearer(filter, "short-lived").refused(401, "invalid_token");
        assertEquals(2, harness.endpoint.calls(), "the entry ended at exp, so the endpoint was asked again");
    }

    @Test
    void aRefusedAnswerIsKeptForTheNegativeTtl() throws Exception {
        Filter filter = harness.filter("negative_cache_ttl: 5s");
        for (int i = 0; i < 10; i++) {
            Harness.bearer(filter, "garbage").refused(401, "invalid_token");
        }
        assertEquals(1, harness.endpoint.calls());
        harness.clock.advance(Duration.ofSeconds(4));
        Harness.bearer(filter, "garbage").refused(401, "invalid_token");
        assertEquals(1, harness.endpoint.calls());
        harness.clock.advance(Duration.ofSeconds(2));
        harness.endpoint.active("garbage", "\"sub\":\"late\"");
        Harness.bearer(filter, "garbage").passed();
        assertEquals(2, harness.endpoint.calls());
    }

    @Test
    void zeroTtlsCacheNothing() throws Exception {
        Filter filter = harness.filter("cache_ttl: 0s, negative_cache_ttl: 0s");
        for (int i = 0; i < 3; i++) {
            Harness.bearer(filter, TOKEN).passed();
            Harness.bearer(filter, "garbage").refused(401, "invalid_token");
        }
        assertEquals(6, harness.endpoint.calls());
    }

    @Test
    void theCacheIsBoundedByMaximumEntries() throws Exception {
        Filter filter = harness.filter("maximum_entries: 10");
        for (int i = 0; i < 200; i++) {
            harness.endpoint.active("token-" + i, "\"sub\":\"c" + i + "\"");
            Harness.bearer(filter, "token-" + i).passed();
        }
        long cached = harness.lastIntrospector().cachedAnswers();
        assertTrue(cached <= 10 && cached > 0, "cached " + cached);
    }

    @Test
    void concurrentRequestsWithOneUncachedTokenShareOneCall() throws Exception {
        // cache_ttl 0: nothing is cached, so only sharing the call in flight can keep it to one
        Filter filter = harness.filter("cache_ttl: 0s");
        Harness.bearer(filter, TOKEN).passed();             // loads the classes the threads will use
        harness.endpoint.hold();
        ConcurrentLinkedQueue<Harness.Outcome> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    outcomes.add(Harness.bearer(filter, TOKEN));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        harness.endpoint.awaitCalls(2);
        awaitAllWaiting(threads);
        harness.endpoint.release();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(50, outcomes.size());
        outcomes.forEach(Harness.Outcome::passed);
        assertEquals(2, harness.endpoint.calls(), "the warm-up call and one shared call");
    }

    @Test
    void cacheKeysAreKeyedHashesOfTheTokenNeverTheToken() throws Exception {
        Filter filter = harness.filter("");
        Harness.bearer(filter, TOKEN).passed();
        Harness.bearer(filter, "another-token").refused(401, "invalid_token");
        Set<String> keys = harness.lastIntrospector().cacheKeys();
        assertEquals(2, keys.size());
        for (String key : keys) {
            assertTrue(key.matches("[0-9a-f]{64}"), key);
            assertFalse(key.contains(TOKEN) || key.contains("another-token"));
        }
        Harness.bearer(harness.filter("realm: other"), TOKEN).passed();
        assertFalse(keys.contains(harness.lastIntrospector().cacheKeys().iterator().next()),
                "another cache hashes the same token under another random key");
    }

    @Test
    void theCacheSurvivesAReloadWhileTheConfigIsUnchanged() throws Exception {
        IntrospectionConfig config = harness.config("");
        TestPluginContext first = TestPluginContext.of(IntrospectionFilterFactory.ID, config);
        Filter a = harness.filter(config, first);
        Harness.bearer(a, TOKEN).passed();
        Introspector state = harness.lastIntrospector();

        TestPluginContext second = first.reload(harness.config(""));     // an equal config, bound anew
        Filter b = harness.filter(harness.config(""), second);
        assertSame(state, harness.lastIntrospector());
        a.close();
        first.drained();
        Harness.bearer(b, TOKEN).passed();
        assertEquals(1, harness.endpoint.calls(), "the answer from before the reload was used");

        IntrospectionConfig changed = harness.config("cache_ttl: 10s");
        TestPluginContext third = second.reload(changed);
        Filter c = harness.filter(changed, third);
        assertNotEquals(state, harness.lastIntrospector());
        Harness.bearer(c, TOKEN).passed();
        assertEquals(2, harness.endpoint.calls(), "a changed config starts with an empty cache");
        b.close();
        second.drained();
        assertEquals(0, state.cachedAnswers(), "the old state was closed once no generation held it");
    }

    private static void awaitAllWaiting(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the request threads did not all wait for the call");
            }
            Thread.sleep(5);
        }
    }
}
