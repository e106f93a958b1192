package io.gatehouse.core.server;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Both checks against a port another socket holds, and against a free one. */
class CannotListenExceptionTest {

    @Test
    void aTakenPortIsRefusedBeforeHelidonTries() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CannotListenException e = assertThrows(CannotListenException.class,
                    () -> CannotListenException.checkBindable("127.0.0.1", taken.getLocalPort()));
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use",
                    e.getMessage());
        }
    }

    @Test
    void aServerHelidonCouldNotBindIsRefusedAfterItsStart() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // the port was taken between the first check and the start: Helidon logs, returns, listens nowhere
            WebServer server = WebServer.builder().host("127.0.0.1").port(taken.getLocalPort()).shutdownHook(false)
                    .routing(routing -> routing.any((req, res) -> res.send())).build().start();
            CannotListenException e = assertThrows(CannotListenException.class,
                    () -> CannotListenException.check(server, "127.0.0.1", taken.getLocalPort()));
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use",
                    e.getMessage());
            assertFalse(server.isRunning());
        }
    }

    @Test
    void aFreePortAndARunningServerPass() throws IOException {
        int free;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = socket.getLocalPort();
        }
        CannotListenException.checkBindable("127.0.0.1", free);
        WebServer server = WebServer.builder().host("127.0.0.1").port(free).shutdownHook(false)
                .routing(routing -> routing.any((req, res) -> res.send())).build().start();
        try {
            assertSame(server, CannotListenException.check(server, "127.0.0.1", free));
        } finally {
            server.stop();
        }
    }
}
