package io.gatehouse.plugins.discovery.dns;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.PackagedPlugin;
import io.gatehouse.core.testing.RawUpstream;
import io.gatehouse.core.testing.ReloadsUnderLoad;
import io.gatehouse.core.testing.ReloadsUnderLoad.Edit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

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

    static List<Edit> edits() {
        return Edit.both();
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
    @MethodSource("edits")
    void tenReloadsUnderLoadCostNoRequest(Edit edit) throws Exception {
        backend = RawUpstream.start(request -> RawUpstream.Reply.ok("users"));
        gateway = GatewayFixture.start(PackagedPlugin.home("gatehouse-plugin-discovery-dns"), config(0, false));
        ReloadsUnderLoad.assertNoRequestFails(gateway, "/who", n -> config(n, edit.upstreamChanges()));
    }
}
