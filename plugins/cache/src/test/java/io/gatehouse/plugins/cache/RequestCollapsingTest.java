package io.gatehouse.plugins.cache;

import io.gatehouse.api.Body;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent misses for one key make one upstream request; the others wait, for a bounded time. */
class RequestCollapsingTest {

    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    private TestPluginContext context;

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        clients.shutdownNow();
        if (context != null) {
            context.drained();
        }
    }

    private Filter filter(Duration lockTimeout) throws Exception {
        CacheConfig config = new CacheConfig(null, null, null, null, null, null, false, lockTimeout);
        context = TestPluginContext.of("filter.cache", config);
        return new CacheFilterFactory().create(config, context);
    }

    private CacheStore store() {
        return (CacheStore) context.states().getFirst();
    }

    /** An upstream whose first answer waits for {@link #release}; later ones come at once. */
    private TestChain slowFirst() {
        return TestChain.responding(exchange -> {
            if (calls.incrementAndGet() == 1) {
                release.await();
            }
            return new Response(200, new Headers(), Body.of("answer " + calls.get()));
        });
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 20 s for: " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void fiftyConcurrentMissesMakeOneUpstreamRequest() throws Exception {
        Filter filter = filter(Duration.ofSeconds(30));
        List<Future<Response>> responses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            responses.add(clients.submit(() -> filter.filter(TestExchange.get("/a"), slowFirst())));
        }
        await("49 requests waiting for the first", () -> store().waiting() == 49);
        assertEquals(1, calls.get());
        release.countDown();
        int hits = 0;
        for (Future<Response> future : responses) {
            Response response = future.get(20, TimeUnit.SECONDS);
            assertEquals("answer 1", new String(response.body().readAll(100), StandardCharsets.UTF_8));
            hits += response.headers().first("X-Cache").orElseThrow().equals("HIT") ? 1 : 0;
        }
        assertEquals(49, hits);
        assertEquals(1, calls.get());
    }

    @Test
    void aWaiterGoesUpstreamItselfAfterTheLockTimeout() throws Exception {
        Filter filter = filter(Duration.ofMillis(200));
        Future<Response> first = clients.submit(() -> filter.filter(TestExchange.get("/a"), slowFirst()));
        await("the first request upstream", () -> calls.get() == 1);
        Response second = clients.submit(() -> filter.filter(TestExchange.get("/a"), slowFirst()))
                .get(20, TimeUnit.SECONDS);
        assertEquals("answer 2", new String(second.body().readAll(100), StandardCharsets.UTF_8));
        assertEquals("MISS", second.headers().first("X-Cache").orElseThrow());
        assertFalse(first.isDone(), "the first is still waiting for its upstream");
        release.countDown();
        assertEquals("MISS", first.get(20, TimeUnit.SECONDS).headers().first("X-Cache").orElseThrow());
    }

    @Test
    void waitersGoUpstreamThemselvesWhenTheFirstFetchFailsOrIsNotCacheable() throws Exception {
        Filter filter = filter(Duration.ofSeconds(30));
        TestChain failingFirst = TestChain.responding(exchange -> {
            if (calls.incrementAndGet() == 1) {
                release.await();
                return new Response(503, new Headers(), Body.of("busy"));
            }
            return new Response(200, new Headers(), Body.of("answer " + calls.get()));
        });
        Future<Response> first = clients.submit(() -> filter.filter(TestExchange.get("/a"), failingFirst));
        await("the first request upstream", () -> calls.get() == 1);
        Future<Response> second = clients.submit(() -> filter.filter(TestExchange.get("/a"), failingFirst));
        await("the second waiting", () -> store().waiting() == 1);
        release.countDown();
        assertEquals(503, first.get(20, TimeUnit.SECONDS).status());
        assertEquals(200, second.get(20, TimeUnit.SECONDS).status());
        assertEquals(2, calls.get());
    }

    @Test
    void lockTimeoutZeroTurnsCollapsingOff() throws Exception {
        Filter filter = filter(Duration.ZERO);
        Future<Response> first = clients.submit(() -> filter.filter(TestExchange.get("/a"), slowFirst()));
        await("the first request upstream", () -> calls.get() == 1);
        Response second = clients.submit(() -> filter.filter(TestExchange.get("/a"), slowFirst()))
                .get(20, TimeUnit.SECONDS);
        assertEquals(200, second.status());
        assertEquals(0, store().waiting());
        release.countDown();
        first.get(20, TimeUnit.SECONDS);
    }
}
