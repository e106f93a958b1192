package io.gatehouse.plugins.access;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AclFilterTest {

    private final AclFilterFactory factory = new AclFilterFactory();

    private Filter filter(AclConfig config) {
        return Configs.create(factory, config);
    }

    private static AclConfig.Rule ids(String... ids) {
        return new AclConfig.Rule(List.of(ids), null);
    }

    private static AclConfig.Rule groups(String... groups) {
        return new AclConfig.Rule(null, List.of(groups));
    }

    private static Consumer jwt(String id, String... groups) {
        return new Consumer(id, Consumer.JWT, List.of(groups), Map.of());
    }

    record Case(String desc, AclConfig config, Consumer consumer, boolean passes) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> decisions() {
        AclConfig admins = new AclConfig(groups("admins"), null);
        AclConfig both = new AclConfig(new AclConfig.Rule(List.of("carol"), List.of("admins", "ops")),
                new AclConfig.Rule(List.of("mallory"), List.of("suspended")));
        AclConfig denyOnly = new AclConfig(null, new AclConfig.Rule(List.of("mallory"), List.of("suspended")));
        return List.of(
                new Case("allowed group", admins, jwt("alice", "users", "admins"), true),
                new Case("no allowed group", admins, jwt("bob", "users"), false),
                new Case("no groups at all", admins, jwt("bob"), false),
                new Case("groups compare exactly", admins, jwt("eve", "Admins", "admins "), false),
                new Case("allowed by id", both, jwt("carol"), true),
                new Case("ids compare exactly", both, jwt("Carol"), false),
                new Case("allowed by a second group", both, jwt("dave", "ops"), true),
                new Case("denied id wins over an allowed group", both, jwt("mallory", "admins"), false),
                new Case("denied group wins over an allowed id", both, jwt("carol", "suspended"), false),
                new Case("deny only: anyone else passes", denyOnly, jwt("bob"), true),
                new Case("deny only: denied id", denyOnly, jwt("mallory"), false),
                new Case("deny only: denied group", denyOnly, jwt("zed", "users", "suspended"), false),
                new Case("an anonymous consumer is judged by its id: allowed",
                        new AclConfig(ids("guest", "carol"), null), Consumer.anonymous("guest"), true),
                new Case("an anonymous consumer is judged by its id: not allowed", admins, Consumer.anonymous("guest"),
                        false),
                new Case("an anonymous consumer is judged by its id: denied", denyOnly,
                        Consumer.anonymous("mallory"), false),
                new Case("any credential kind", admins,
                        new Consumer("svc", Consumer.API_KEY, List.of("admins"), Map.of()), true));
    }

    @ParameterizedTest
    @MethodSource("decisions")
    void admitsOrRefusesTheConsumer(Case c) throws Exception {
        Filter filter = filter(c.config());
        TestExchange exchange = TestExchange.builder().consumer(c.consumer()).build();
        TestChain chain = TestChain.ok();
        if (c.passes()) {
            assertEquals(200, filter.filter(exchange, chain).status());
            assertEquals(1, chain.calls());
        } else {
            GatewayException e = assertThrows(GatewayException.class, () -> filter.filter(exchange, chain));
            assertEquals(403, e.status());
            assertEquals("access_denied", e.code());
            assertFalse(e.getMessage().contains("admins"), "the client is not told the rule: " + e.getMessage());
            assertEquals(0, chain.calls());
        }
    }

    @Test
    void aRequestWithoutAConsumerIsRefusedWithAnExplanation() {
        Filter filter = filter(new AclConfig(null, ids("mallory")));
        TestChain chain = TestChain.ok();
        try (LogCapture log = LogCapture.of("gatehouse.filter.acl")) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> filter.filter(TestExchange.builder().requestId("req-acl-0").build(), chain));
            assertEquals(403, e.status());
            assertEquals("access_denied", e.code());
            assertEquals("No consumer identified: put an authentication filter before filter.acl in the route's "
                    + "filters.", e.getMessage());
            assertEquals(1, log.lines().size());
            assertTrue(log.lines().getFirst().message().contains("req-acl-0"), log.lines().toString());
        }
        assertEquals(0, chain.calls());
    }

    @Test
    void eachRefusalIsOneLogLineWithTheRequestIdConsumerAndReason() {
        Filter filter = filter(new AclConfig(groups("admins"), ids("mallory")));
        try (LogCapture log = LogCapture.of("gatehouse.filter.acl")) {
            assertThrows(GatewayException.class, () -> filter.filter(TestExchange.builder().requestId("req-acl-1")
                    .consumer(jwt("mallory", "admins")).build(), TestChain.ok()));
            assertThrows(GatewayException.class, () -> filter.filter(TestExchange.builder().requestId("req-acl-2")
                    .consumer(jwt("bob", "users")).build(), TestChain.ok()));
            List<LogCapture.Line> lines = log.lines();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).message().contains("req-acl-1") && lines.get(0).message().contains("'mallory'")
                    && lines.get(0).message().contains("denied: listed by id"), lines.get(0).message());
            assertTrue(lines.get(1).message().contains("req-acl-2") && lines.get(1).message().contains("'bob' (jwt)")
                    && lines.get(1).message().contains("not allowed"), lines.get(1).message());
        }
    }

    static List<Configs.Invalid<AclConfig>> invalidConfigs() {
        return List.of(
                new Configs.Invalid<>("neither side", new AclConfig(null, null), List.of("")),
                new Configs.Invalid<>("an empty allow", new AclConfig(new AclConfig.Rule(List.of(), List.of()), null),
                        List.of("allow")),
                new Configs.Invalid<>("an empty deny beside a good allow",
                        new AclConfig(groups("admins"), new AclConfig.Rule(null, null)), List.of("deny")),
                new Configs.Invalid<>("blank entries with their index",
                        new AclConfig(new AclConfig.Rule(List.of("a", " "), List.of("")), groups("x", "y", "  ")),
                        List.of("allow.consumers[1]", "allow.groups[0]", "deny.groups[2]")));
    }

    @ParameterizedTest
    @MethodSource("invalidConfigs")
    void reportsEveryProblemWithItsPath(Configs.Invalid<AclConfig> c) {
        c.check(factory);
    }

    @Test
    void theIdIsInTheFilterNamespaceAndTheFilterIsNoAuthenticator() {
        assertEquals("filter.acl", factory.id());
        assertFalse(filter(new AclConfig(groups("a"), null)).authenticates());
    }
}
