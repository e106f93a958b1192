package io.gatehouse.core.upstream;

import io.gatehouse.api.Endpoint;
import io.gatehouse.api.ServiceDiscovery;
import io.gatehouse.api.testkit.TestExchange;
import io.gatehouse.core.builtin.RoundRobinBalancer;
import io.gatehouse.core.config.ComponentSpec;
import io.gatehouse.core.config.HealthConfig;
import io.gatehouse.core.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UpstreamTest {

    private static final Endpoint A = Endpoint.of("http://127.0.0.1:1001");
    private static final Endpoint B = Endpoint.of("http://127.0.0.1:1002");
    private Upstream upstream;

    private Upstream upstream(boolean allowEmpty, HealthConfig.Passive passive) {
        UpstreamConfig config = new UpstreamConfig(new ComponentSpec("static", Map.of(), "x"), null, null,
                new HealthConfig(null, passive), null, null, allowEmpty);
        ServiceDiscovery none = (service, onChange) -> () -> {
        };
        upstream = new Upstream("u", new RoundRobinBalancer(), none, new UpstreamClient(Duration.ofSeconds(1), 8192),
                config);
        return upstream;
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
