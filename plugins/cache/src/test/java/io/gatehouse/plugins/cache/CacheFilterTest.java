package io.gatehouse.plugins.cache;

import io.gatehouse.api.Body;
import io.gatehouse.api.Consumer;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestClock;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache's decisions, on a test clock, against an upstream that counts its requests. */
class CacheFilterTest {

    static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

    final TestClock clock = new TestClock(START);
    final CacheFilterFactory factory = new CacheFilterFactory(clock);
    TestPluginContext context;

    /** An upstream answering {@code body} with the given headers, counting calls. */
    static final class Upstream {
        final AtomicInteger calls = new AtomicInteger();
        volatile int status = 200;
        volatile String body = "hello";
        volatile Headers headers = new Headers();

        TestChain chain() {
            return TestChain.responding(exchange -> {
                calls.incrementAndGet();
                return new Response(status, headers.copy(), Body.of(body + " " + calls.get()));
            });
        }
    }

    final Upstream upstream = new Upstream();

    @AfterEach
    void drain() throws Exception {
        if (context != null) {
            context.drained();
        }
    }

    Filter filter(CacheConfig config) throws Exception {
        context = TestPluginContext.of("filter.cache", config);
        return factory.create(config, context);
    }

    static CacheConfig config() {
        return new CacheConfig(null, null, null, null, null, null, false, null);
    }

    static String text(Response response) {
        return new String(response.body().readAll(1 << 20), StandardCharsets.UTF_8);
    }

    static TestExchange get(String path, String... headers) {
        TestExchange.Builder builder = TestExchange.builder().path(path);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    static String xCache(Response response) {
        return response.headers().first("X-Cache").orElseThrow();
    }

    Response send(Filter filter, TestExchange exchange) throws Exception {
        return filter.filter(exchange, upstream.chain());
    }

    @Test
    void aSecondRequestIsAnsweredFromTheCache() throws Exception {
        Filter filter = filter(config());
        Response first = send(filter, get("/a"));
        assertEquals("MISS", xCache(first));
        assertEquals("hello 1", text(first));
        clock.advance(Duration.ofSeconds(7));
        Response second = send(filter, get("/a"));
        assertEquals("HIT", xCache(second));
        assertEquals("7", second.headers().first("Age").orElseThrow());
        assertEquals("hello 1", text(second));
        assertEquals(1, upstream.calls.get());
        assertEquals("MISS", xCache(send(filter, get("/b"))));
        assertEquals("MISS", xCache(send(filter, TestExchange.builder().path("/a").query("v=2").build())));
        assertEquals("MISS", xCache(send(filter, TestExchange.builder().host("other.example").path("/a").build())));
        assertEquals("MISS", xCache(send(filter, TestExchange.builder().scheme("https").path("/a").build())));
        assertEquals(5, upstream.calls.get());
    }

    @Test
    void theRouteTtlAppliesWhenTheUpstreamSaysNothing() throws Exception {
        Filter filter = filter(new CacheConfig(Duration.ofSeconds(30), null, null, null, null, null, false, null));
        send(filter, get("/a"));
        clock.advance(Duration.ofSeconds(29));
        assertEquals("HIT", xCache(send(filter, get("/a"))));
        clock.advance(Duration.ofSeconds(1));
        Response expired = send(filter, get("/a"));
        assertEquals("MISS", xCache(expired));
        assertEquals("hello 2", text(expired));
    }

    record Case(String desc, Map<String, String> headers, int status, Integer freshSeconds) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> lifetimes() {
        String date = CacheControl.format(START);
        return Stream.of(
                new Case("max-age", Map.of("Cache-Control", "max-age=10"), 200, 10),
                new Case("s-maxage wins over max-age", Map.of("Cache-Control", "max-age=100, s-maxage=5"), 200, 5),
                new Case("public with max-age", Map.of("Cache-Control", "public, max-age=\"3\""), 200, 3),
                new Case("Expires minus Date", Map.of("Date", date,
                        "Expires", CacheControl.format(START.plusSeconds(20))), 200, 20),
                new Case("max-age wins over Expires", Map.of("Cache-Control", "max-age=4", "Expires",
                        CacheControl.format(START.plusSeconds(100))), 200, 4),
                new Case("an invalid Expires is stale", Map.of("Expires", "0"), 200, null),
                new Case("Age counts against max-age", Map.of("Cache-Control", "max-age=10", "Age", "4"), 200, 6),
                new Case("an old Date counts against max-age", Map.of("Cache-Control", "max-age=10", "Date",
                        CacheControl.format(START.minusSeconds(3))), 200, 7),
                new Case("already stale", Map.of("Cache-Control", "max-age=10", "Age", "10"), 200, null),
                new Case("no-store", Map.of("Cache-Control", "no-store, max-age=60"), 200, null),
                new Case("private", Map.of("Cache-Control", "private, max-age=60"), 200, null),
                new Case("no-cache", Map.of("Cache-Control", "no-cache"), 200, null),
                new Case("no-cache with a field name",
                        Map.of("Cache-Control", "no-cache=\"Set-Cookie\", max-age=9"), 200, null),
                new Case("max-age=0", Map.of("Cache-Control", "max-age=0"), 200, null),
                new Case("Vary: *", Map.of("Vary", "*"), 200, null),
                new Case("Set-Cookie", Map.of("Set-Cookie", "a=1"), 200, null),
                new Case("404 with the route ttl", Map.of(), 404, 60),
                new Case("301 with max-age", Map.of("Cache-Control", "max-age=8"), 301, 8),
                new Case("500", Map.of("Cache-Control", "max-age=60"), 500, null),
                new Case("302", Map.of("Cache-Control", "max-age=60"), 302, null),
                new Case("206", Map.of("Cache-Control", "max-age=60"), 206, null));
    }

    @ParameterizedTest
    @MethodSource("lifetimes")
    void whatIsStoredAndForHowLong(Case c) throws Exception {
        Headers headers = new Headers();
        c.headers().forEach(headers::set);
        upstream.headers = headers;
        upstream.status = c.status();
        Filter filter = filter(config());
        send(filter, get("/a"));
        if (c.freshSeconds() == null) {
            assertEquals("MISS", xCache(send(filter, get("/a"))), c.desc());
            assertEquals(2, upstream.calls.get(), c.desc());
            return;
        }
        clock.advance(Duration.ofSeconds(c.freshSeconds()).minusMillis(1));
        Response hit = send(filter, get("/a"));
        assertEquals("HIT", xCache(hit), c.desc());
        assertEquals(c.status(), hit.status());
        clock.advance(Duration.ofMillis(1));
        assertEquals("MISS", xCache(send(filter, get("/a"))), c.desc());
        assertEquals(2, upstream.calls.get(), c.desc());
    }

    @Test
    void theUpstreamsVaryKeepsOneResponsePerValue() throws Exception {
        upstream.headers = Headers.of("Vary", "Accept-Language, Accept-Encoding");
        Filter filter = filter(config());
        assertEquals("hello 1", text(send(filter, get("/a", "Accept-Language", "de"))));
        assertEquals("hello 2", text(send(filter, get("/a", "Accept-Language", "fr"))));
        assertEquals("hello 3", text(send(filter, get("/a"))));
        Response de = send(filter, get("/a", "accept-language", "de", "Accept-Encoding", "gzip"));
        assertEquals("MISS", xCache(de), "Accept-Encoding differs");
        Response again = send(filter, get("/a", "Accept-Language", "de"));
        assertEquals("HIT", xCache(again));
        assertEquals("hello 1", text(again));
        assertEquals("hello 2", text(send(filter, get("/a", "Accept-Language", "fr"))));
        assertEquals("hello 3", text(send(filter, get("/a"))));
        assertEquals(4, upstream.calls.get());
    }

    @Test
    void configuredVaryHeadersArePartOfTheKey() throws Exception {
        Filter filter = filter(new CacheConfig(null, null, null, null, List.of("X-Tenant"), null, false, null));
        assertEquals("hello 1", text(send(filter, get("/a", "X-Tenant", "a"))));
        assertEquals("hello 2", text(send(filter, get("/a", "X-Tenant", "b"))));
        assertEquals("hello 1", text(send(filter, get("/a", "x-tenant", "a"))));
        assertEquals("hello 3", text(send(filter, get("/a"))));
        assertEquals(3, upstream.calls.get());
    }

    @Test
    void conditionalRequestsAreAnswered304FromAFreshEntry() throws Exception {
        String modified = CacheControl.format(START.minusSeconds(3600));
        upstream.headers = Headers.of("ETag", "\"v1\"", "Last-Modified", modified, "Cache-Control", "max-age=60",
                "Content-Type", "text/plain");
        Filter filter = filter(config());
        send(filter, get("/a"));
        Response notModified = send(filter, get("/a", "If-None-Match", "\"v0\", W/\"v1\""));
        assertEquals(304, notModified.status());
        assertEquals("HIT", xCache(notModified));
        assertEquals("\"v1\"", notModified.headers().first("ETag").orElseThrow());
        assertEquals("max-age=60", notModified.headers().first("Cache-Control").orElseThrow());
        assertFalse(notModified.headers().contains("Content-Type"));
        assertEquals(0, notModified.body().length());
        assertEquals(304, send(filter, get("/a", "If-None-Match", "*")).status());
        assertEquals(200, send(filter, get("/a", "If-None-Match", "\"v2\"")).status());
        assertEquals(304, send(filter, get("/a", "If-Modified-Since", modified)).status());
        assertEquals(200, send(filter, get("/a", "If-Modified-Since",
                CacheControl.format(START.minusSeconds(7200)))).status());
        assertEquals(200, send(filter, get("/a", "If-None-Match", "\"v2\"", "If-Modified-Since", modified)).status(),
                "If-None-Match decides when both are sent");
        assertEquals(1, upstream.calls.get());
    }

    @Test
    void aConditionalMissFetchesInFullAndAnswers304() throws Exception {
        upstream.headers = Headers.of("ETag", "\"v1\"");
        TestChain chain = upstream.chain();
        Filter filter = filter(config());
        Response response = filter.filter(get("/a", "If-None-Match", "\"v1\""), chain);
        assertEquals(304, response.status());
        assertEquals("MISS", xCache(response));
        assertFalse(chain.lastRequestHeaders().contains("If-None-Match"),
                "the upstream is asked for the whole response");
        assertEquals(200, send(filter, get("/a")).status());
        assertEquals(1, upstream.calls.get());
    }

    @Test
    void authenticatedRequestsBypassTheCache() throws Exception {
        Filter filter = filter(config());
        TestExchange alice = TestExchange.builder().path("/a").consumer(Consumer.of("alice", Consumer.JWT)).build();
        assertEquals("BYPASS", xCache(send(filter, alice)));
        Response bearer = send(filter, get("/a", "Authorization", "Bearer x"));
        assertEquals("BYPASS", xCache(bearer));
        assertEquals("BYPASS", xCache(send(filter, get("/a", "Cookie", "session=alice-secret"))),
                "a session cookie is a credential too");
        Response anonymous = send(filter, get("/a"));
        assertEquals("MISS", xCache(anonymous), "nothing was stored for them");
        assertEquals("hello 4", text(anonymous));
        TestExchange guest = TestExchange.builder().path("/a").consumer(Consumer.anonymous("guest")).build();
        assertEquals("HIT", xCache(send(filter, guest)),
                "an anonymous consumer is no one in particular");
        assertEquals(4, upstream.calls.get());
    }

    @Test
    void theHostsPortIsPartOfTheKey() throws Exception {
        // the upstream sees the port (X-Forwarded-Host) and may build redirects with it
        Filter filter = filter(config());
        assertEquals("MISS", xCache(send(filter, get("/p", "Host", "localhost:1"))));
        assertEquals("MISS", xCache(send(filter, get("/p", "Host", "localhost"))));
        assertEquals("HIT", xCache(send(filter, get("/p", "Host", "localhost"))));
        assertEquals("HIT", xCache(send(filter, get("/p", "Host", "localhost:1"))));
        assertEquals(2, upstream.calls.get());
    }

    @Test
    void cacheAuthenticatedKeysByConsumer() throws Exception {
        Filter filter = filter(new CacheConfig(null, null, null, null, null, null, true, null));
        TestExchange.Builder alice = TestExchange.builder().path("/a").header("Authorization", "Bearer a")
                .consumer(Consumer.of("alice", Consumer.JWT));
        TestExchange.Builder bob = TestExchange.builder().path("/a").consumer(Consumer.of("bob", Consumer.API_KEY));
        assertEquals("hello 1", text(send(filter, alice.build())));
        assertEquals("hello 2", text(send(filter, bob.build())));
        Response again = send(filter, alice.build());
        assertEquals("HIT", xCache(again));
        assertEquals("hello 1", text(again));
        assertEquals("hello 2", text(send(filter, bob.build())));
        assertEquals("hello 3", text(send(filter, get("/a"))), "anonymous requests have their own entry");
        assertEquals("BYPASS", xCache(send(filter, get("/a", "Authorization", "Basic eA=="))),
                "a credential nobody identified is not keyed by a consumer");
        assertEquals(4, upstream.calls.get());
    }

    @Test
    void aConsumerIdentifiedAfterTheCacheKeepsTheResponseOutOfIt() throws Exception {
        Filter filter = filter(config());
        TestChain authenticatesThenAnswers = TestChain.responding(exchange -> {
            exchange.authenticate(Consumer.of("alice", Consumer.API_KEY));
            upstream.calls.incrementAndGet();
            return new Response(200, new Headers(), Body.of("alice's"));
        });
        assertEquals("BYPASS", xCache(filter.filter(get("/a", "X-Api-Key", "k"), authenticatesThenAnswers)));
        assertEquals("hello 2", text(send(filter, get("/a"))));
    }

    @Test
    void headIsAnsweredFromTheGetEntryAndNeverFillsIt() throws Exception {
        Filter filter = filter(config());
        TestExchange head = TestExchange.builder().method("HEAD").path("/a").build();
        assertEquals("MISS", xCache(send(filter, head)));
        assertEquals("MISS", xCache(send(filter, get("/a"))));
        Response fromGet = send(filter, TestExchange.builder().method("HEAD").path("/a").build());
        assertEquals("HIT", xCache(fromGet));
        assertEquals("hello 2".length(), fromGet.body().length(), "the length the GET had");
        assertEquals(2, upstream.calls.get());
    }

    @Test
    void otherMethodsBypass() throws Exception {
        Filter filter = filter(config());
        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
            Response response = send(filter, TestExchange.builder().method(method).path("/a").build());
            assertEquals("BYPASS", xCache(response), method);
        }
        assertEquals("MISS", xCache(send(filter, get("/a"))));
    }

    @Test
    void aSuccessfulChangeRemovesTheStoredResponsesOfItsUrl() throws Exception {
        Filter filter = filter(config());
        upstream.headers = Headers.of("Vary", "Accept");
        send(filter, get("/a", "Accept", "text/html"));
        send(filter, get("/a", "Accept", "text/plain"));
        send(filter, get("/b"));
        upstream.status = 500;
        send(filter, TestExchange.builder().method("POST").path("/a").build());
        assertEquals("HIT", xCache(send(filter, get("/a", "Accept", "text/html"))),
                "a failed change changed nothing");
        upstream.status = 204;
        send(filter, TestExchange.builder().method("PUT").path("/a").build());
        assertEquals("MISS", xCache(send(filter, get("/a", "Accept", "text/html"))));
        assertEquals("MISS", xCache(send(filter, get("/a", "Accept", "text/plain"))));
        assertEquals("HIT", xCache(send(filter, get("/b"))), "another URL stays");
    }

    @Test
    void clientNoStoreIsHonouredAndClientNoCacheIsNot() throws Exception {
        Filter filter = filter(config());
        send(filter, get("/a", "Cache-Control", "no-store"));
        assertEquals("MISS", xCache(send(filter, get("/a"))));
        assertEquals("HIT", xCache(send(filter, get("/a", "Cache-Control", "no-cache", "Pragma", "no-cache"))));
        assertEquals("HIT", xCache(send(filter, get("/a", "Cache-Control", "no-store"))),
                "no-store keeps a response out, it does not refuse a stored one");
        assertEquals(2, upstream.calls.get());
    }

    /** A body of {@code size} bytes, of unknown length, that may break after {@code breakAfter} bytes. */
    static Body body(int size, long declared, int breakAfter) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i % 251);
        }
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (breakAfter >= 0 && pos >= breakAfter) {
                    throw new java.io.UncheckedIOException(new IOException("connection reset"));
                }
                return super.read(b, off, breakAfter >= 0 ? Math.min(len, breakAfter - pos) : len);
            }
        };
        return Body.of(in, declared);
    }

    @Test
    void aBodyOverTheLimitIsStreamedWholeAndNotCached() throws Exception {
        Filter filter = filter(new CacheConfig(null, null, null, "1000", null, null, false, null));
        for (long declared : new long[] {1001, -1}) {
            AtomicInteger calls = new AtomicInteger();
            TestChain chain = TestChain.responding(exchange -> {
                calls.incrementAndGet();
                return new Response(200, new Headers(), body(1001, declared, -1));
            });
            Response first = filter.filter(get("/big" + declared), chain);
            assertEquals(declared, first.body().length());
            byte[] all = first.body().readAll(1 << 20);
            assertEquals(1001, all.length);
            for (int i = 0; i < all.length; i++) {
                assertEquals((byte) (i % 251), all[i], "byte " + i);
            }
            assertEquals("MISS", xCache(filter.filter(get("/big" + declared), chain)));
            assertEquals(2, calls.get());
        }
        TestChain exactly = TestChain.responding(exchange -> new Response(200, new Headers(), body(1000, -1, -1)));
        filter.filter(get("/limit"), exactly);
        assertEquals("HIT", xCache(filter.filter(get("/limit"), exactly)));
    }

    @Test
    void aBodyOfKnownLengthOverTheLimitIsNotTouched() throws Exception {
        Filter filter = filter(new CacheConfig(null, null, null, "1000", null, null, false, null));
        Body body = body(5000, 5000, -1);
        Response response = filter.filter(get("/big"), TestChain.responding(new Response(200, new Headers(), body)));
        assertSame(body, response.body());
    }

    @Test
    void aBodyTheUpstreamBrokeOffIsNeverStored() throws Exception {
        Filter filter = filter(config());
        TestChain breaking = TestChain.responding(exchange -> new Response(200, new Headers(), body(500, 500, 100)));
        GatewayException e = assertThrows(GatewayException.class, () -> filter.filter(get("/a"), breaking));
        assertEquals(502, e.status());
        TestChain shortBody = TestChain.responding(exchange -> new Response(200, new Headers(), body(100, 500, -1)));
        assertEquals(502, assertThrows(GatewayException.class, () -> filter.filter(get("/a"), shortBody)).status());
        assertEquals("MISS", xCache(send(filter, get("/a"))));
    }

    @Test
    void eventStreamsAreNeverHeldBack() throws Exception {
        upstream.headers = Headers.of("Content-Type", "text/event-stream");
        Filter filter = filter(config());
        send(filter, get("/events"));
        assertEquals("MISS", xCache(send(filter, get("/events"))));
    }

    @Test
    void theStoreIsBoundedByEntriesAndBytes() throws Exception {
        Filter byEntries = filter(new CacheConfig(null, 3, null, null, null, null, false, null));
        for (int i = 0; i < 20; i++) {
            send(byEntries, get("/" + i));
        }
        CacheStore store = (CacheStore) context.states().getFirst();
        assertTrue(store.size() <= 3, "entries: " + store.size());
        context.drained();

        upstream.body = "x".repeat(10_000);
        Filter byBytes = filter(new CacheConfig(null, 1000, "50KB", "20KB", null, null, false, null));
        for (int i = 0; i < 20; i++) {
            send(byBytes, get("/" + i));
        }
        store = (CacheStore) context.states().getFirst();
        assertTrue(store.size() <= 4, "10 kB entries in 50 kB: " + store.size());
        assertTrue(store.size() >= 1);
    }

    @Test
    void theStoreSurvivesAReloadWithTheSameConfigOnly() throws Exception {
        CacheConfig config = config();
        Filter first = filter(config);
        send(first, get("/a"));
        TestPluginContext second = context.reload(config);
        Filter reloaded = factory.create(config, second);
        first.close();
        context.drained();
        context = second;
        assertEquals("HIT", xCache(send(reloaded, get("/a"))));
        CacheConfig changed = new CacheConfig(Duration.ofSeconds(5), null, null, null, null, null, false, null);
        TestPluginContext third = second.reload(changed);
        Filter other = factory.create(changed, third);
        assertEquals("MISS", xCache(send(other, get("/a"))));
        second.drained();
        context = third;
    }

    @Test
    void purgeByRouteAndByResource() throws Exception {
        Filter filter = filter(config());
        upstream.headers = Headers.of("Vary", "Accept");
        send(filter, get("/a", "Accept", "text/html"));
        send(filter, get("/a", "Accept", "application/json"));
        send(filter, TestExchange.builder().path("/a").query("x=1").build());
        send(filter, get("/b"));
        send(filter, TestExchange.builder().routeId("other").path("/a").build());

        Response one = CachePurge.handle("DELETE", "/cache/routes/test-route", "path=%2Fa&host=LOCALHOST");
        assertEquals("{\"route\":\"test-route\",\"purged\":2}", text(one));
        assertEquals("MISS", xCache(send(filter, get("/a", "Accept", "text/html"))));
        assertEquals("HIT", xCache(send(filter, TestExchange.builder().path("/a").query("x=1").build())));
        Response withQuery = CachePurge.handle("DELETE", "/cache/routes/test-route", "path=/a&query=x%3D1");
        assertEquals("{\"route\":\"test-route\",\"purged\":1}", text(withQuery));

        Response route = CachePurge.handle("DELETE", "/cache/routes/test-route", "");
        assertEquals("{\"route\":\"test-route\",\"purged\":2}", text(route));
        assertEquals("MISS", xCache(send(filter, get("/b"))));
        assertEquals("HIT", xCache(send(filter, TestExchange.builder().routeId("other").path("/a").build())),
                "another route's entries stay");

        assertEquals(405, assertThrows(GatewayException.class,
                () -> CachePurge.handle("GET", "/cache/routes/x", "")).status());
        assertEquals(404, assertThrows(GatewayException.class,
                () -> CachePurge.handle("DELETE", "/cache/routes/", "")).status());
        assertEquals(400, assertThrows(GatewayException.class,
                () -> CachePurge.handle("DELETE", "/cache/routes/x", "path=a")).status());
    }

    @Test
    void aClosedStoreIsNoLongerPurgedOrHeld() throws Exception {
        Filter filter = filter(config());
        send(filter, get("/a"));
        CacheStore store = (CacheStore) context.states().getFirst();
        filter.close();
        context.drained();
        context = null;
        assertEquals(0, store.size());
        assertEquals("{\"route\":\"test-route\",\"purged\":0}",
                text(CachePurge.handle("DELETE", "/cache/routes/test-route", "")));
    }

    @Test
    void ageIsSentWhenTheResponseIsOld() throws Exception {
        Filter filter = filter(config());
        Response response = send(filter, get("/a"));
        assertNull(response.headers().first("Age").orElse(null), "a response just fetched has no Age");
        assertArrayEquals("hello 1".getBytes(StandardCharsets.UTF_8), response.body().readAll(100));
        upstream.headers = Headers.of("Age", "5", "Cache-Control", "max-age=60");
        Response aged = send(filter, get("/b"));
        assertEquals("MISS", xCache(aged));
        assertEquals("5", aged.headers().first("Age").orElseThrow(), "the upstream's Age is passed on");
        clock.advance(Duration.ofSeconds(2));
        assertEquals("7", send(filter, get("/b")).headers().first("Age").orElseThrow());
    }
}
