package io.gatehouse.plugins.grpc;

import io.gatehouse.core.Gateway;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.plugins.grpc.test.EchoGrpc;
import io.gatehouse.plugins.grpc.test.SayRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport's channels (one HTTP/2 connection per endpoint) outlive reloads that keep their upstream, and are
 * replaced, the old connection closed, when the upstream's config changes. Counted on the gRPC server's side.
 */
class GrpcChannelsIT {

    private ProxyFixture proxy;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    private String config(String extra, String transport) throws Exception {
        return DocExample.yaml(ProxyFixture.PAGE, "grpc-native")
                .replace(ProxyFixture.DOC_UPSTREAM, proxy.server.url())
                .replace(ProxyFixture.DOC_SERVICE, "gatehouse.test.Echo")
                .replace("transport: { type: grpc, reflection: false }", transport) + extra;
    }

    private void say(String name) {
        assertEquals("hello " + name, EchoGrpc.newBlockingStub(proxy.channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .say(SayRequest.newBuilder().setName(name).build()).getMessage());
    }

    @Test
    void aReloadThatKeepsTheUpstreamKeepsItsConnectionAndOneThatChangesItReplacesIt() throws Exception {
        proxy = ProxyFixture.start("grpc-native");
        say("one");
        assertEquals(1, proxy.server.connections.get());

        // another route added: the upstream is the same, so is its connection
        Gateway.ReloadStatus kept = proxy.gateway.reload(config("""
                  - id: another
                    match: { path: /other/*rest }
                    upstream: orders
                """, "transport: { type: grpc, reflection: false }"));
        assertTrue(kept.problems().isEmpty(), kept.problems().toString());
        say("two");
        assertEquals(1, proxy.server.connections.get(), "the reload kept the channel");
        assertEquals(0, proxy.server.connectionsClosed.get());

        // the transport's config changed: a new upstream, a new channel; the old one closes once its generation ends
        Gateway.ReloadStatus changed = proxy.gateway.reload(config("",
                "transport: { type: grpc, reflection: false, max_message_size: 1048576 }"));
        assertTrue(changed.problems().isEmpty(), changed.problems().toString());
        say("three");
        assertEquals(2, proxy.server.connections.get(), "the changed upstream has its own channel");
        ProxyFixture.await("the old channel is closed", () -> proxy.server.connectionsClosed.get() == 1);
    }
}
