package io.gatehouse.plugins.discovery.dns;

import io.gatehouse.core.testing.ClientLoop;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.PackagedPlugin;
import io.gatehouse.core.testing.RawUpstream;
import io.gatehouse.core.testing.ReloadsUnderLoad;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reloads under load with this plugin, loaded from its packaged JAR, feeding the only upstream: no request may
 * fail. A DNS watch answers from its own thread, so an upstream rebuilt by a reload had no endpoint for its first
 * moments (503 {@code no_healthy_upstream}). The host name is an IP literal: it resolves without a DNS server, on
 * the watch's thread all the same.
 */
class DnsReloadIT {

    private RawUpstream backend;
    private GatewayFixture gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
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
                  users: { discovery: { type: dns, hostname: 127.0.0.1, port: %d, refresh: %ds } }
                routes:
                  - { id: who, match: { path: /who }, upstream: users }
                  - { id: v%d, match: { path: /v%d }, upstream: users }
                """.formatted(backend.port(), upstreamChanges ? 30 + n : 30, n, n);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tenReloadsUnderLoadCostNoRequest(Case c) throws Exception {
        backend = RawUpstream.start(request -> RawUpstream.Reply.ok("users"));
        gateway = GatewayFixture.start(PackagedPlugin.home("gatehouse-plugin-discovery-dns"), config(0, false));
        assertEquals("users", gateway.get("/who").body(), "the first generation waited for its endpoints");

        ClientLoop load = ReloadsUnderLoad.run(gateway, "/who", 10, n -> config(n, c.upstreamChanges()));

        assertEquals(List.of(), load.failures(), "failed requests during the reloads");
        assertTrue(load.ok() > 10, "the clients ran: " + load.ok());
    }
}
