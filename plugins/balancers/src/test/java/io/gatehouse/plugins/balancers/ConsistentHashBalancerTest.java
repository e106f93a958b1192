package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.QueryString;
import io.gatehouse.api.testkit.TestExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static io.gatehouse.plugins.balancers.Picks.endpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsistentHashBalancerTest {

    private static final int KEYS = 10_000;
    private final ConsistentHashFactory factory = new ConsistentHashFactory();
    private final LoadBalancer byUser = factory.create(new ConsistentHashConfig("header", "X-User", null), null);

    @Test
    void theSameKeyGoesToTheSameEndpointWhateverTheListOrder() {
        List<Endpoint> endpoints = endpoints(1, 1, 1, 1);
        List<Endpoint> reversed = new ArrayList<>(endpoints);
        java.util.Collections.reverse(reversed);
        Map<String, Endpoint> first = assign(byUser, endpoints);
        assertEquals(first, assign(byUser, endpoints));
        assertEquals(first, assign(byUser, List.copyOf(reversed)));
    }

    @Test
    void keysSpreadEvenlyOverEqualEndpoints() {
        List<Endpoint> endpoints = endpoints(1, 1, 1, 1);
        Picks.assertShares(counts(assign(byUser, endpoints)), endpoints, KEYS, 0.05);
    }

    @Test
    void weightsAreRespected() {
        List<Endpoint> endpoints = endpoints(1, 2, 3, 0);
        Map<Endpoint, Integer> counts = counts(assign(byUser, endpoints));
        Picks.assertShares(counts, endpoints, KEYS, 0.04);
        assertFalse(counts.containsKey(endpoints.get(3)), "weight 0 got keys");
    }

    @Test
    void addingAnEndpointToFourMovesAboutAFifthOfTheKeysAndOnlyToIt() {
        List<Endpoint> four = endpoints(1, 1, 1, 1);
        List<Endpoint> five = endpoints(1, 1, 1, 1, 1);
        Map<String, Endpoint> before = assign(byUser, four);
        Map<String, Endpoint> after = assign(byUser, five);
        int moved = 0;
        for (String key : before.keySet()) {
            if (!before.get(key).equals(after.get(key))) {
                moved++;
                assertEquals(five.get(4), after.get(key), key + " moved to an old endpoint");
            }
        }
        assertTrue(moved > KEYS * 0.10 && moved < KEYS * 0.30, moved + " of " + KEYS + " keys moved");
    }

    @Test
    void removingAnEndpointMovesOnlyItsOwnKeys() {
        List<Endpoint> five = endpoints(1, 1, 1, 1, 1);
        Endpoint removed = five.get(2);
        List<Endpoint> four = five.stream().filter(e -> !e.equals(removed)).toList();
        Map<String, Endpoint> before = assign(byUser, five);
        Map<String, Endpoint> after = assign(byUser, four);
        int moved = 0;
        for (String key : before.keySet()) {
            if (before.get(key).equals(removed)) {
                moved++;
            } else {
                assertEquals(before.get(key), after.get(key), key + " moved though its endpoint stayed");
            }
        }
        assertTrue(moved > KEYS * 0.10 && moved < KEYS * 0.30, moved + " keys were on the removed endpoint");
    }

    @Test
    void everyEndpointHasAtLeastAHundredPointsPerUnitOfWeight() {
        assertEquals(160 * 6, HashRing.of(endpoints(1, 2, 3), 160).size());
        assertEquals(100 * 2, HashRing.of(endpoints(1, 1, 0), 100).size());
    }

    @Test
    void aMissingKeyFallsBackToTheClientIp() {
        List<Endpoint> endpoints = endpoints(1, 1, 1, 1, 1, 1, 1, 1);
        LoadBalancer byIp = factory.create(new ConsistentHashConfig(null, null, null), null);
        for (int i = 0; i < 200; i++) {
            String ip = "192.168.1." + i;
            Exchange withoutHeader = TestExchange.builder().clientIp(ip).build();
            assertEquals(byIp.choose(endpoints, withoutHeader), byUser.choose(endpoints, withoutHeader));
        }
    }

    /** A key source, and a request carrying key number {@code key} with unrelated parts varied by {@code noise}. */
    record KeyCase(String desc, ConsistentHashConfig config, BiFunction<Integer, Integer, Exchange> request) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<KeyCase> keySources() {
        return List.of(
                new KeyCase("header, any case", new ConsistentHashConfig("header", "X-User", null),
                        (key, noise) -> TestExchange.builder().header(noise % 2 == 0 ? "x-user" : "X-USER", "u" + key)
                                .clientIp("10.9.9." + noise).path("/n" + noise).build()),
                new KeyCase("cookie", new ConsistentHashConfig("cookie", "session", null),
                        (key, noise) -> TestExchange.builder().header("Cookie", "a=" + noise + "; session=u" + key)
                                .clientIp("10.9.9." + noise).build()),
                new KeyCase("query", new ConsistentHashConfig("query", "user", null),
                        (key, noise) -> TestExchange.builder().query("x=" + noise + "&user=u" + key)
                                .clientIp("10.9.9." + noise).build()),
                new KeyCase("path", new ConsistentHashConfig("path", null, null),
                        (key, noise) -> TestExchange.builder().path("/users/" + key).query("n=" + noise)
                                .clientIp("10.9.9." + noise).build()),
                new KeyCase("client ip", new ConsistentHashConfig("client_ip", null, null),
                        (key, noise) -> TestExchange.builder().clientIp("10.1.1." + key).path("/n" + noise).build()));
    }

    @ParameterizedTest
    @MethodSource("keySources")
    void theKeyIsReadFromWhereTheConfigSays(KeyCase c) {
        LoadBalancer balancer = factory.create(c.config(), null);
        List<Endpoint> endpoints = endpoints(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        java.util.Set<Endpoint> used = new java.util.HashSet<>();
        for (int key = 0; key < 50; key++) {
            Endpoint chosen = balancer.choose(endpoints, c.request().apply(key, 0)).orElseThrow();
            used.add(chosen);
            for (int noise = 1; noise < 4; noise++) {
                assertEquals(chosen, balancer.choose(endpoints, c.request().apply(key, noise)).orElseThrow(),
                        "key " + key + " with noise " + noise);
            }
        }
        assertTrue(used.size() >= 8, "50 keys went to only " + used.size() + " of 16 endpoints");
    }

    @Test
    void queryValuesArePercentDecodedAndCookiesUnquoted() {
        assertEquals("alice", QueryString.first("x=1&user=al%69ce", "user"));
        assertEquals("50%", QueryString.first("user=50%", "user"));
        assertEquals("", QueryString.first("user", "user"));
        assertEquals(null, QueryString.first("username=x", "user"));
        Exchange quoted = TestExchange.builder().header("Cookie", "a=1").header("Cookie", "s=\"abc\"").build();
        assertEquals("abc", HashKey.cookie(quoted, "s"));
        assertEquals(null, HashKey.cookie(quoted, "b"));
    }

    @Test
    void noEndpointOfPositiveWeightMeansEmpty() {
        assertFalse(byUser.choose(List.of(), Picks.ANY).isPresent());
        assertFalse(byUser.choose(endpoints(0, 0), Picks.ANY).isPresent());
    }

    record ValidationCase(String desc, ConsistentHashConfig config, List<String> problems) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<ValidationCase> validations() {
        return List.of(
                new ValidationCase("defaults", new ConsistentHashConfig(null, null, null), List.of()),
                new ValidationCase("header", new ConsistentHashConfig("header", "X-User", 100), List.of()),
                new ValidationCase("unknown key", new ConsistentHashConfig("body", null, null),
                        List.of("key: must be one of header, cookie, query, client_ip, path, got 'body'")),
                new ValidationCase("header without name", new ConsistentHashConfig("header", null, null),
                        List.of("name: required when key is header")),
                new ValidationCase("cookie with blank name", new ConsistentHashConfig("cookie", " ", null),
                        List.of("name: required when key is cookie")),
                new ValidationCase("name with path", new ConsistentHashConfig("path", "x", null),
                        List.of("name: only used when key is header, cookie or query (key is path)")),
                new ValidationCase("too few virtual nodes", new ConsistentHashConfig("query", "u", 99),
                        List.of("virtual_nodes: must be between 100 and 10000, got 99")));
    }

    @ParameterizedTest
    @MethodSource("validations")
    void validatesKeyNameAndVirtualNodes(ValidationCase c) {
        List<String> problems = new ArrayList<>();
        factory.validate(c.config(), (path, message) -> problems.add(path + ": " + message));
        assertEquals(c.problems(), problems);
    }

    @Test
    void theHashSpreadsSimilarKeys() {
        assertNotEquals(Hash64.of("user-1"), Hash64.of("user-2"));
        assertEquals(Hash64.of("user-1"), Hash64.of(new StringBuilder("user-").append(1)));
    }

    private static Map<String, Endpoint> assign(LoadBalancer balancer, List<Endpoint> endpoints) {
        Map<String, Endpoint> assignment = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String user = "user-" + i;
            Exchange exchange = TestExchange.builder().header("X-User", user).build();
            assignment.put(user, balancer.choose(endpoints, exchange).orElseThrow());
        }
        return assignment;
    }

    private static Map<Endpoint, Integer> counts(Map<String, Endpoint> assignment) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        assignment.values().forEach(endpoint -> counts.merge(endpoint, 1, Integer::sum));
        return counts;
    }
}
