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

    @Test
    void aTakenPublicPortFailsTheStartAndClosesTheDemoBackend() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int admin = freePort();
            int demo = freePort();
            CannotListenException e = startWith(taken.getLocalPort(), admin, demo);
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use",
                    e.getMessage());
            assertFree(demo);
            assertFree(admin);
        }
    }

    @Test
    void aTakenAdminPortFailsTheStartAndClosesThePublicListener() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int publicPort = freePort();
            int demo = freePort();
            CannotListenException e = startWith(publicPort, taken.getLocalPort(), demo);
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use",
                    e.getMessage());
            assertFree(publicPort);
            assertFree(demo);
        }
    }

    @Test
    void aTakenDemoPortFailsTheStart() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int publicPort = freePort();
            int admin = freePort();
            CannotListenException e = startWith(publicPort, admin, taken.getLocalPort());
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use",
                    e.getMessage());
            assertFree(publicPort);
            assertFree(admin);
        }
    }
}
