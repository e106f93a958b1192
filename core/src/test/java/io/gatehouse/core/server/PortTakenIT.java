package io.gatehouse.core.server;

import io.gatehouse.core.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A gateway whose public, admin or demo port is taken by another socket does not start: {@link Gateway#start}
 * throws {@link CannotListenException} naming the address and the reason, and the listeners it had started already
 * are closed again (their ports can be bound).
 */
class PortTakenIT {

    @TempDir
    Path home;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void assertFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port)); // throws BindException while anything listens
        }
    }

    private CannotListenException startWith(int publicPort, int adminPort, int demoPort) throws IOException {
        Files.createDirectories(home.resolve("plugins"));
        Path file = Files.writeString(home.resolve("gatehouse.yaml"), """
                server: { host: 127.0.0.1, port: %d }
                admin: { host: 127.0.0.1, port: %d }
                demo: { enabled: true, host: 127.0.0.1, port: %d }
                routes:
                  - id: demo
                    match: { path: /hello }
                    upstream: demo
                upstreams:
                  demo: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] } }
                """.formatted(publicPort, adminPort, demoPort, demoPort));
        return assertThrows(CannotListenException.class, () -> Gateway.start(home, file, Map.of()).close());
    }

    /** Takes one of the public (0), admin (1) and demo (2) ports; the others are free before and after. */
    private void assertTakenPortFailsTheStart(int which) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int[] ports = {freePort(), freePort(), freePort()};
            ports[which] = taken.getLocalPort();
            CannotListenException e = startWith(ports[0], ports[1], ports[2]);
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use",
                    e.getMessage());
            for (int i = 0; i < ports.length; i++) {
                if (i != which) {
                    assertFree(ports[i]);
                }
            }
        }
    }

    @Test
    void aTakenPublicPortFailsTheStartAndClosesTheDemoBackend() throws IOException {
        assertTakenPortFailsTheStart(0);
    }

    @Test
    void aTakenAdminPortFailsTheStartAndClosesThePublicListenerAndTheDemoBackend() throws IOException {
        assertTakenPortFailsTheStart(1);
    }

    @Test
    void aTakenDemoPortFailsTheStart() throws IOException {
        assertTakenPortFailsTheStart(2);
    }
}
