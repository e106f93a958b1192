package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestClock;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.api.testkit.TestPluginContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedPoliciesTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RateLimitFilterFactory factory = new RateLimitFilterFactory(clock);

    private static RateLimitConfig grouped(String group, long limit) {
        return new RateLimitConfig(List.of(new RateLimitConfig.Policy("consumer", null, limit,
                Duration.ofSeconds(10), null, group)), null, null, null, null, null);
    }

    private static TestExchange alice(String route) {
        return TestExchange.builder().path("/" + route).routeId(route).consumer("alice").build();
    }


    @Test
    void routesOfOneGroupShareTheirCountersUntilTheLastLetsGo() throws Exception {
        RateLimitConfig config = grouped("per-consumer-a", 3);
        TestPluginContext orders = TestPluginContext.of("filter.rate_limit", config);
        TestPluginContext users = TestPluginContext.of("filter.rate_limit", config);
        Filter a = factory.create(config, orders);
        Filter b = factory.create(config, users);
        a.filter(alice("orders"), TestChain.ok());
        b.filter(alice("users"), TestChain.ok());
        a.filter(alice("orders"), TestChain.ok());
        assertThrows(GatewayException.class, () -> b.filter(alice("users"), TestChain.ok()), "one quota for both");

        TestPluginContext ordersNext = orders.reload(config);
        Filter c = factory.create(config, ordersNext);
        orders.drained();
        assertThrows(GatewayException.class, () -> c.filter(alice("orders"), TestChain.ok()),
                "an unchanged group keeps its counters across a reload");
        users.drained();
        ordersNext.drained();
        Filter fresh = factory.create(config, TestPluginContext.of("filter.rate_limit", config));
        assertEquals(200, fresh.filter(alice("orders"), TestChain.ok()).status(), "freed once no one held them");
    }

    @Test
    void membersOfAGroupThatDisagreeInOneBuildAreRefusedNamingTheGroupAndTheDifference() {
        // TestPluginContext's location is always "test": the places of one build are named here
        SharedPolicies.Definition one = SharedPolicies.Definition.of(grouped("per-consumer-b", 3).policies().getFirst(),
                grouped("per-consumer-b", 3));
        SharedPolicies.Definition other = SharedPolicies.Definition.of(
                grouped("per-consumer-b", 5).policies().getFirst(), grouped("per-consumer-b", 5));
        SharedPolicies.building("routes[0].filters[0]");
        SharedPolicies.join(one, "routes[0].filters[0]");
        SharedPolicies.building("routes[1].filters[0]");
        SharedPolicies.join(one, "routes[1].filters[0]");
        SharedPolicies.building("routes[2].filters[0]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharedPolicies.join(other, "routes[2].filters[0]"));
        assertTrue(e.getMessage().contains("group 'per-consumer-b'") && e.getMessage().contains("limit 3 vs 5")
                        && e.getMessage().contains("routes[0].filters[0] and routes[2].filters[0]"),
                e.getMessage());
    }

    @Test
    void aNewBuildMayChangeAGroupsDefinitionAndGetsFreshCounters() throws Exception {
        RateLimitConfig one = grouped("per-consumer-c", 1);
        TestPluginContext first = TestPluginContext.of("filter.rate_limit", one);
        Filter a = factory.create(one, first);
        a.filter(alice("orders"), TestChain.ok());
        assertThrows(GatewayException.class, () -> a.filter(alice("orders"), TestChain.ok()));
        // the same place created again: the next build, where the group is defined anew
        RateLimitConfig two = grouped("per-consumer-c", 2);
        Filter b = factory.create(two, first.reload(two));
        assertEquals("1", b.filter(alice("orders"), TestChain.ok()).headers().first("RateLimit-Remaining")
                .orElseThrow());
    }
}
