package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.core.builtin.RoundRobinBalancer;
import io.gatehouse.core.config.CircuitBreakerConfig;
import io.gatehouse.core.config.ComponentSpec;
import io.gatehouse.core.config.HealthConfig;
import io.gatehouse.core.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamTest {

    private static final Endpoint A = Endpoint.of("http://127.0.0.1:1001");
    private static final Endpoint B = Endpoint.of("http://127.0.0.1:1002");
    private Upstream upstream;

    private Upstream upstream(boolean allowEmpty, HealthConfig.Passive passive) {
        return upstream(new UpstreamConfig(new ComponentSpec("static", Map.of(), "x"), null, null,
                new HealthConfig(null, passive), null, null, allowEmpty), new RoundRobinBalancer());
    }

    private Upstream upstream(UpstreamConfig config, LoadBalancer balancer) {
        ServiceDiscovery none = (service, onChange) -> () -> {
        };
        upstream = new Upstream("u", balancer, none, new UpstreamClient(Duration.ofSeconds(1), 8192), config);
        return upstream;
    }

    /** Passive ejection off; a circuit that opens on one failure, for a minute. */
    private Upstream withBreaker(LoadBalancer balancer) {
        return withBreaker(balancer, Duration.ofMinutes(1));
    }

    private Upstream withBreaker(LoadBalancer balancer, Duration openTime) {
        return upstream(new UpstreamConfig(new ComponentSpec("static", Map.of(), "x"), null, null,
                new HealthConfig(null, new HealthConfig.Passive(0, null, null)), null, null, false, null, null,
                new CircuitBreakerConfig(0, 1, null, 1, openTime, openTime, null, null), null), balancer);
    }

    @Test
    void anEndpointWithAnOpenCircuitIsNeverChosenAndAllOpenSaysForHowLong() {
        Upstream u = withBreaker(new RoundRobinBalancer());
        u.update(List.of(A, B));
        assertEquals(-1, u.circuitOpenMillis(), "no circuit is open");
        Endpoint first = u.choose(TestExchange.get("/"), null);
        u.circuitResult(first, true);
        for (int i = 0; i < 10; i++) {
            Endpoint other = u.choose(TestExchange.get("/"), null);
            assertNotEquals(first, other);
            u.circuitResult(other, false);
        }
        Endpoint second = u.choose(TestExchange.get("/"), null);
        u.circuitResult(second, true);
        assertNull(u.choose(TestExchange.get("/"), null));
        long millis = u.circuitOpenMillis();
        assertTrue(millis > 50_000 && millis <= 60_000, "the open time left: " + millis);
    }

    @Test
    void theBalancerIsNeverShownAnEndpointOfWeight0NorOneThisRequestTried() {
        List<List<Endpoint>> shown = new ArrayList<>();
        LoadBalancer recording = (healthy, exchange) -> {
            shown.add(List.copyOf(healthy));
            return healthy.isEmpty() ? Optional.empty() : Optional.of(healthy.getFirst());
        };
        Upstream u = upstream(new UpstreamConfig(new ComponentSpec("static", Map.of(), "x"), null, null,
                new HealthConfig(null, null), null, null, false), recording);
        Endpoint drained = new Endpoint(java.net.URI.create("http://127.0.0.1:1003"), 0, Map.of());
        u.update(List.of(A, drained, B));

        assertEquals(A, u.choose(TestExchange.get("/"), null));
        assertEquals(B, u.choose(TestExchange.get("/"), Set.of(A.id())), "a retry avoids what it tried");
        assertNull(u.choose(TestExchange.get("/"), Set.of(A.id(), B.id())), "weight 0 is no fallback");
        assertEquals(List.of(List.of(A, B), List.of(B)), shown, "an empty list is not offered either");
    }

    @Test
    void onlyTheConfiguredStatusesAreCircuitFailures() {
        Upstream u = withBreaker(new RoundRobinBalancer());
        assertTrue(u.circuitFailure(503));
        assertTrue(u.circuitFailure(502));
        assertFalse(u.circuitFailure(500));
        assertFalse(u.circuitFailure(200));
        assertFalse(upstream(false, null).circuitFailure(503), "no breaker, no circuit failure");
    }

    @Test
    void aChoiceTheCircuitRefusesIsHandedBackToTheBalancer() throws InterruptedException {
        List<Endpoint> completed = new ArrayList<>();
        LoadBalancer first = new LoadBalancer() {
            @Override
            public Optional<Endpoint> choose(List<Endpoint> healthy, io.gatehouse.api.Exchange exchange) {
                return Optional.of(healthy.getFirst());
            }

            @Override
            public void completed(Endpoint endpoint, long durationNanos, boolean failed) {
                completed.add(endpoint);
            }
        };
        Upstream u = withBreaker(first, Duration.ofMillis(20));
        u.update(List.of(A, B));
        assertEquals(A, u.choose(TestExchange.get("/"), null));
        u.circuitResult(A, true);
        assertEquals(B, u.choose(TestExchange.get("/"), null), "A's circuit is open");
        long deadline = System.nanoTime() + 10_000_000_000L;
        Endpoint probe = B;
        while (probe != A && System.nanoTime() < deadline) {
            Thread.sleep(5);
            probe = u.choose(TestExchange.get("/"), null);
        }
        assertEquals(A, probe, "after the open time, A gets its one probe");
        completed.clear();
        // half-open with its probe out: the balancer still offers A, the circuit refuses it, B is chosen instead,
        // and the balancer hears that its choice of A is over (it counts what it chose as in flight)
        assertEquals(B, u.choose(TestExchange.get("/"), null));
        assertEquals(List.of(A), completed);
        u.circuitResult(A, false);
        assertEquals(A, u.choose(TestExchange.get("/"), null), "the probe succeeded: closed");
    }

    @AfterEach
    void close() {
        upstream.close();
    }

    @Test
    void anEmptyUpdateKeepsTheLastEndpointsUnlessAllowed() {
        Upstream kept = upstream(false, null);
        kept.update(List.of(A, B));
        kept.update(List.of());
        assertEquals(List.of(A, B), kept.endpoints());
        kept.close();

        Upstream emptied = upstream(true, null);
        emptied.update(List.of(A, B));
        emptied.update(List.of());
        assertEquals(List.of(), emptied.endpoints());
        assertNull(emptied.choose(TestExchange.get("/"), null));
    }

    @Test
    void consecutiveFailuresEjectAndTheCoolDownEndsOnItsOwn() throws InterruptedException {
        Upstream u = upstream(false, new HealthConfig.Passive(2, Duration.ofMillis(100), Duration.ofSeconds(1)));
        u.update(List.of(A, B));
        u.failed(A);
        assertEquals(Set.of(A, B), Set.of(u.choose(TestExchange.get("/"), null), u.choose(TestExchange.get("/"), null)));
        u.failed(A);
        for (int i = 0; i < 10; i++) {
            assertEquals(B, u.choose(TestExchange.get("/"), null), "A is ejected");
        }
        assertEquals("ejected", u.healthView().get(A.id()).get("state"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean back = false;
        while (!back && System.nanoTime() < deadline) {
            back = A.equals(u.choose(TestExchange.get("/"), null));
            Thread.sleep(5);
        }
        assertEquals(true, back, "A is re-admitted after its cool-down");
    }

    @Test
    void aSuccessEndsTheFailureStreak() {
        Upstream u = upstream(false, new HealthConfig.Passive(2, Duration.ofMinutes(1), Duration.ofMinutes(5)));
        u.update(List.of(A, B));
        u.failed(A);
        u.succeeded(A);
        u.failed(A);
        assertEquals("healthy", u.healthView().get(A.id()).get("state"));
    }

    @Test
    void triedEndpointsAreAvoided() {
        Upstream u = upstream(false, null);
        u.update(List.of(A, B));
        for (int i = 0; i < 5; i++) {
            assertEquals(B, u.choose(TestExchange.get("/"), Set.of(A.id())));
        }
        assertNull(u.choose(TestExchange.get("/"), Set.of(A.id(), B.id())));
    }
}
