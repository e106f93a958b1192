package io.gatehouse.plugins.access;

import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.testkit.TestChain;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpRestrictionFilterTest {

    private final IpRestrictionFilterFactory factory = new IpRestrictionFilterFactory();

    private Filter filter(IpRestrictionConfig config) {
        return Configs.create(factory, config);
    }

    private static TestExchange from(String clientIp) {
        return TestExchange.builder().clientIp(clientIp).requestId("req-ip-1").build();
    }

    record Case(String desc, List<String> allow, List<String> deny, String client, boolean passes) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> decisions() {
        List<String> none = List.of();
        List<String> office = List.of("10.0.0.0/8", "2001:db8::/32");
        return List.of(
                new Case("allowed IPv4", office, none, "10.1.2.3", true),
                new Case("allowed IPv6", office, none, "2001:db8::42", true),
                new Case("allowed IPv6 in brackets", office, none, "[2001:db8::42]", true),
                new Case("not allowed IPv4", office, none, "192.0.2.1", false),
                new Case("not allowed IPv6", office, none, "2001:db9::1", false),
                new Case("allowed through its IPv4-mapped spelling", office, none, "::ffff:10.1.2.3", true),
                new Case("only deny: anyone else passes", none, List.of("192.0.2.0/24"), "198.51.100.1", true),
                new Case("only deny: IPv6 passes an IPv4 rule", none, List.of("192.0.2.0/24"), "2001:db8::1", true),
                new Case("only deny: denied", none, List.of("192.0.2.0/24"), "192.0.2.200", false),
                new Case("deny wins over allow", office, List.of("10.6.6.0/24"), "10.6.6.6", false),
                new Case("allow beside a deny", office, List.of("10.6.6.0/24"), "10.6.7.1", true),
                new Case("an IPv6 spelling cannot bypass an IPv4 deny", none, List.of("10.0.0.0/8"), "::ffff:10.0.0.1",
                        false),
                new Case("nor its hex spelling", none, List.of("10.0.0.0/8"), "::ffff:a00:1", false),
                new Case("nor brackets", none, List.of("10.0.0.0/8"), "[::ffff:10.0.0.1]", false),
                new Case("a single address denied", none, List.of("203.0.113.7"), "203.0.113.7", false),
                new Case("its neighbour passes", none, List.of("203.0.113.7"), "203.0.113.8", true),
                new Case("a mapped block denies IPv4", none, List.of("::ffff:10.0.0.0/104"), "10.9.9.9", false),
                new Case("::/0 is all of IPv6, not IPv4", none, List.of("::/0"), "10.0.0.1", true),
                new Case("::/0 denies IPv6", none, List.of("::/0"), "::1", false),
                new Case("allow 0.0.0.0/0 does not admit IPv6", List.of("0.0.0.0/0"), none, "::1", false),
                new Case("a zone is ignored", List.of("fe80::/10"), none, "fe80::1%eth0", true),
                new Case("a client address that is no literal is refused", none, List.of("192.0.2.0/24"),
                        "unknown", false));
    }

    @ParameterizedTest
    @MethodSource("decisions")
    void admitsOrRefusesByTheClientAddress(Case c) throws Exception {
        Filter filter = filter(new IpRestrictionConfig(c.allow(), c.deny(), null, null));
        TestChain chain = TestChain.ok();
        if (c.passes()) {
            assertEquals(200, filter.filter(from(c.client()), chain).status());
            assertEquals(1, chain.calls());
        } else {
            GatewayException e = assertThrows(GatewayException.class, () -> filter.filter(from(c.client()), chain));
            assertEquals(403, e.status());
            assertEquals("ip_not_allowed", e.code());
            assertEquals(IpRestrictionConfig.DEFAULT_MESSAGE, e.getMessage());
            assertEquals(0, chain.calls(), "a refused request goes no further");
        }
    }

    @Test
    void aRefusalTakesTheConfiguredStatusAndMessageAndIsLoggedOnce() {
        Filter filter = filter(new IpRestrictionConfig(null, List.of("192.0.2.0/24"), 404, "Nothing here."));
        try (LogCapture log = LogCapture.of("gatehouse.filter.ip_restriction")) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> filter.filter(from("192.0.2.9"), TestChain.ok()));
            assertEquals(404, e.status());
            assertEquals("Nothing here.", e.getMessage());
            assertEquals(1, log.lines().size(), log.lines().toString());
            String line = log.lines().getFirst().message();
            assertTrue(line.contains("req-ip-1") && line.contains("192.0.2.9") && line.contains("192.0.2.0/24")
                    && line.contains("404 ip_not_allowed"), line);
        }
    }

    static List<Configs.Invalid<IpRestrictionConfig>> invalidConfigs() {
        return List.of(
                new Configs.Invalid<>("neither list", new IpRestrictionConfig(null, null, null, null), List.of("")),
                new Configs.Invalid<>("empty lists", new IpRestrictionConfig(List.of(), List.of(), null, null),
                        List.of("")),
                new Configs.Invalid<>("bad entries, each with its index",
                        new IpRestrictionConfig(List.of("10.0.0.0/8", "10.0.0.0/33", "example.com"),
                                List.of("10.0.0.1/8"), null, null),
                        List.of("allow[1]", "allow[2]", "deny[0]")),
                new Configs.Invalid<>("status not an error", new IpRestrictionConfig(List.of("::1"), null, 200, null),
                        List.of("status")),
                new Configs.Invalid<>("status beyond 599", new IpRestrictionConfig(List.of("::1"), null, 600, null),
                        List.of("status")),
                new Configs.Invalid<>("blank message", new IpRestrictionConfig(List.of("::1"), null, null, " "),
                        List.of("message")));
    }

    @ParameterizedTest
    @MethodSource("invalidConfigs")
    void reportsEveryProblemWithItsPath(Configs.Invalid<IpRestrictionConfig> c) {
        c.check(factory);
    }

    @Test
    void theIdIsInTheFilterNamespaceAndTheFilterIsNoAuthenticator() {
        assertEquals("filter.ip_restriction", factory.id());
        assertEquals(false, filter(new IpRestrictionConfig(List.of("::1"), null, null, null)).authenticates());
    }
}
