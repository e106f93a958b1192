package io.gatehouse.plugins.discovery.consul;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.PackagedPlugin;
import io.gatehouse.core.testing.RawUpstream;
import io.gatehouse.core.testing.ReloadsUnderLoad;
import io.gatehouse.core.testing.ReloadsUnderLoad.Edit;
import io.gatehouse.plugins.discovery.consul.ConsulApiEmulator.Instance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    static List<Edit> edits() {
        return Edit.both();
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
    @MethodSource("edits")
    void tenReloadsUnderLoadCostNoRequest(Edit edit) throws Exception {
        backend = RawUpstream.start(request -> RawUpstream.Reply.ok("users"));
        consul = new ConsulApiEmulator("dc1", null).start();
        consul.register("users", Instance.of("a", backend.port()));
        gateway = GatewayFixture.start(PackagedPlugin.home("gatehouse-plugin-discovery-consul"), config(0, false));

        ReloadsUnderLoad.assertNoRequestFails(gateway, "/who", n -> config(n, edit.upstreamChanges()));

        long watchesStarted = consul.queries().stream().filter(q -> !q.params().containsKey("index")).count();
        assertEquals(edit.upstreamChanges() ? 11 : 1, watchesStarted, "a watch starts with a query without an index");
    }
}
