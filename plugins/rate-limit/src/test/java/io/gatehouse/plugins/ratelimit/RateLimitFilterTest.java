package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Response;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestClock;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitFilterTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RateLimitFilterFactory factory = new RateLimitFilterFactory(clock);

    static RateLimitConfig.Policy policy(String key, long limit, String window) {
        return new RateLimitConfig.Policy(key, null, limit, Duration.parse("PT" + window), null, null);
    }

    static RateLimitConfig config(RateLimitConfig.Policy... policies) {
        return new RateLimitConfig(List.of(policies), null, null, null, null, null);
    }

    private Filter create(RateLimitConfig config) throws Exception {
        return factory.create(config, TestPluginContext.of("filter.rate_limit", config));
    }

    private static TestExchange from(String ip) {
        return TestExchange.builder().path("/x").clientIp(ip).routeId("orders").build();
    }

    @Test
    void refusalsAreCountedByRouteAndPolicyInThePluginsMeters() throws Exception {
        RateLimitConfig config = config(policy("ip", 1, "10s"), policy("global", 100, "1s"));
        TestPluginContext context = TestPluginContext.of("filter.rate_limit", config);
        Filter filter = factory.create(config, context);
        TestChain chain = TestChain.ok();
        filter.filter(from("10.0.0.1"), chain);
        for (int i = 0; i < 3; i++) {
            assertThrows(GatewayException.class, () -> filter.filter(from("10.0.0.1"), chain));
        }
        TestExchange unrouted = TestExchange.builder().path("/x").clientIp("10.0.0.1").routeId("").build();
        assertThrows(GatewayException.class, () -> filter.filter(unrouted, chain));
        assertEquals(3, context.meters().count("rate_limited", "route", "orders", "policy", "ip/10s"));
        assertEquals(1, context.meters().count("rate_limited", "route", "unmatched", "policy", "ip/10s"));
        assertEquals(0, context.meters().count("rate_limited", "route", "orders", "policy", "global/1s"));
        Filter next = factory.create(config, context.reload(config));   // counts go on in the next generation
        assertThrows(GatewayException.class, () -> next.filter(from("10.0.0.1"), chain));
        assertEquals(4, context.meters().count("rate_limited", "route", "orders", "policy", "ip/10s"));
    }

    @Test
    void everyResponseCarriesTheHeadersAndTheRefusalIs429WithRetryAfter() throws Exception {
        Filter filter = create(config(policy("ip", 2, "10s")));
        TestChain chain = TestChain.ok();
        Response first = filter.filter(from("10.0.0.1"), chain);
        assertEquals("2", first.headers().first("RateLimit-Limit").orElseThrow());
        assertEquals("1", first.headers().first("RateLimit-Remaining").orElseThrow());
        assertEquals("10", first.headers().first("RateLimit-Reset").orElseThrow());
        filter.filter(from("10.0.0.1"), chain);
        GatewayException refused = assertThrows(GatewayException.class, () -> filter.filter(from("10.0.0.1"), chain));
        assertEquals(429, refused.status());
        assertEquals("rate_limited", refused.code());
        // the next window starts in 10 s, but its first 5 s still count half of this one's 2 requests
        assertEquals("15", refused.headers().get("Retry-After"));
        assertEquals("0", refused.headers().get("RateLimit-Remaining"));
        assertEquals(2, chain.calls(), "the refused request went nowhere");
        assertEquals(200, filter.filter(from("10.0.0.2"), chain).status(), "another client has its own quota");
    }

    @Test
    void headersFalseSetsNone() throws Exception {
        RateLimitConfig config = new RateLimitConfig(List.of(policy("ip", 1, "1s")), null, null, null, false, null);
        Filter filter = create(config);
        Response response = filter.filter(from("10.0.0.1"), TestChain.ok());
        assertTrue(response.headers().first("RateLimit-Limit").isEmpty());
        GatewayException refused = assertThrows(GatewayException.class,
                () -> filter.filter(from("10.0.0.1"), TestChain.ok()));
        assertNull(refused.headers().get("RateLimit-Limit"));
        assertEquals("2", refused.headers().get("Retry-After"));
    }

    @Test
    void stackedPoliciesShowThePolicyClosestToItsLimit() throws Exception {
        Filter filter = create(config(policy("ip", 3, "1s"), policy("global", 100, "1s")));
        Response response = filter.filter(from("10.0.0.1"), TestChain.ok());
        assertEquals("3", response.headers().first("RateLimit-Limit").orElseThrow());
        assertEquals("2", response.headers().first("RateLimit-Remaining").orElseThrow());
        for (int i = 0; i < 98; i++) {
            filter.filter(from("10.1." + i / 200 + "." + i % 200), TestChain.ok());
        }
        response = filter.filter(from("10.0.0.1"), TestChain.ok());
        assertEquals("100", response.headers().first("RateLimit-Limit").orElseThrow(), "the global one is closer");
        assertEquals("0", response.headers().first("RateLimit-Remaining").orElseThrow());
        GatewayException refused = assertThrows(GatewayException.class,
                () -> filter.filter(from("10.9.9.9"), TestChain.ok()));
        assertTrue(refused.getMessage().contains("100 per 1s by global"), refused.getMessage());
    }

    /** No consumer is not "no limit": every anonymous request is counted under one key. */
    @Test
    void requestsWithoutAValueShareTheFallbackKey() throws Exception {
        Filter filter = create(config(policy("consumer", 2, "10s"), policy("header:X-Tenant", 100, "10s")));
        filter.filter(from("10.0.0.1"), TestChain.ok());
        filter.filter(from("10.0.0.2"), TestChain.ok());
        assertThrows(GatewayException.class, () -> filter.filter(from("10.0.0.3"), TestChain.ok()));
        TestExchange alice = TestExchange.builder().path("/x").consumer("alice").build();
        assertEquals(200, filter.filter(alice, TestChain.ok()).status(), "a consumer has its own quota");
        assertEquals("consumer=-anonymous-+route=orders", LimitKey.parse("consumer+route").of(from("10.0.0.1")));
        assertEquals("header:x-tenant=-none-", LimitKey.parse("header:X-Tenant").of(from("10.0.0.1")));
        assertEquals("global", LimitKey.parse("global").of(from("10.0.0.1")));
    }

    @Test
    void aLongHeaderValueIsCountedByItsHash() {
        String key = LimitKey.parse("header:X-Tenant").of(TestExchange.builder().path("/")
                .header("X-Tenant", "t".repeat(10_000)).build());
        assertTrue(key.startsWith("header:x-tenant=sha256:") && key.length() < 100, key);
    }

    @Test
    void aReloadWithTheSamePolicyKeepsItsCountersAndAChangedOneStartsFresh() throws Exception {
        RateLimitConfig config = config(policy("ip", 2, "10s"));
        TestPluginContext first = TestPluginContext.of("filter.rate_limit", config);
        Filter a = factory.create(config, first);
        a.filter(from("10.0.0.1"), TestChain.ok());
        a.filter(from("10.0.0.1"), TestChain.ok());
        TestPluginContext second = first.reload(config);
        Filter b = factory.create(config, second);
        assertThrows(GatewayException.class, () -> b.filter(from("10.0.0.1"), TestChain.ok()), "no fresh quota");
        RateLimitConfig changed = config(policy("ip", 3, "10s"));
        Filter c = factory.create(changed, second.reload(changed));
        assertEquals("2", c.filter(from("10.0.0.1"), TestChain.ok()).headers().first("RateLimit-Remaining")
                .orElseThrow(), "a changed policy starts fresh");
    }
}
