package io.gatehouse.plugins.discovery.consul;

import io.gatehouse.core.testing.ClientLoop;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.PackagedPlugin;
import io.gatehouse.core.testing.RawUpstream;
import io.gatehouse.core.testing.ReloadsUnderLoad;
import io.gatehouse.plugins.discovery.consul.ConsulApiEmulator.Instance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reloads under load with this plugin, loaded from its packaged JAR, following the Consul API emulator: no request
 * may fail, and an unchanged upstream keeps its one blocking query (no new watch per reload).
 */
class ConsulReloadIT {

    private ConsulApiEmulator consul;
    private RawUpstream backend;
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
        consul.close();
    }

    /**
     * @param upstreamChanges whether each reload changes the upstream itself (then it is rebuilt, and the reload
     *                        waits for its first endpoints) or only adds a route (then it is carried over)
     */
    record Case(String desc, boolean upstreamChanges) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Case> cases() {
        return List.of(new Case("an unrelated route edit", false), new Case("a change of the upstream", true));
    }

    private String config(int n, boolean upstreamChanges) {
        return """
                upstreams:
                  users:
                    discovery: { type: consul, address: "%s", wait_time: %ds, backoff_initial: 20ms, backoff_max: 200ms }
                routes:
                  - { id: who, match: { path: /who }, upstream: users }
                  - { id: v%d, match: { path: /v%d }, upstream: users }
                """.formatted(consul.address(), upstreamChanges ? 30 + n : 30, n, n);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tenReloadsUnderLoadCostNoRequest(Case c) throws Exception {
        backend = RawUpstream.start(request -> RawUpstream.Reply.ok("users"));
        consul = new ConsulApiEmulator("dc1", null).start();
        consul.register("users", Instance.of("a", backend.port()));
        gateway = GatewayFixture.start(PackagedPlugin.home("gatehouse-plugin-discovery-consul"), config(0, false));
        assertEquals("users", gateway.get("/who").body(), "the first generation waited for its endpoints");

        ClientLoop load = ReloadsUnderLoad.run(gateway, "/who", 10, n -> config(n, c.upstreamChanges()));

        assertEquals(List.of(), load.failures(), "failed requests during the reloads");
        assertTrue(load.ok() > 10, "the clients ran: " + load.ok());
        long watchesStarted = consul.queries().stream().filter(q -> !q.params().containsKey("index")).count();
        assertEquals(c.upstreamChanges() ? 11 : 1, watchesStarted, "a watch starts with a query without an index");
    }
}
