package io.gatehouse.bench.loadgen;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against a small server on a real socket: what it counts, not how fast anything is. */
class LoadGenTest {

    private ServerSocket server;
    private final AtomicInteger requestsSeen = new AtomicInteger();

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Answers each connection's requests in turn: every 3rd a 503, the others alternately chunked and with a
     * Content-Length; every 4th response says Connection: close and ends the connection.
     */
    private int serve() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().start(() -> answer(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    private void answer(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int n = 1; ; n++) {
                if (!readHead(in)) {
                    return;
                }
                requestsSeen.incrementAndGet();
                boolean close = n % 4 == 0;
                String connection = close ? "Connection: close\r\n" : "";
                String response;
                if (n % 3 == 0) {
                    response = "HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n" + connection + "\r\nbusy";
                } else if (n % 2 == 0) {
                    response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n" + connection
                            + "\r\n3\r\nhel\r\n3\r\nlo\n\r\n0\r\n\r\n";
                } else {
                    response = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n" + connection + "\r\nhello\n";
                }
                out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Reads a request head (no body); false at the end of the stream. */
    private static boolean readHead(InputStream in) throws IOException {
        int state = 0;
        int b;
        while ((b = in.read()) >= 0) {
            state = switch (state) {
                case 0, 2 -> b == '\r' ? state + 1 : 0;
                case 1 -> b == '\n' ? 2 : 0;
                case 3 -> b == '\n' ? 4 : 0;
                default -> 0;
            };
            if (state == 4) {
                return true;
            }
        }
        return false;
    }

    @Test
    void countsResponsesErrorsAndReconnectsAndRecordsOnlySuccesses() throws IOException {
        int port = serve();
        Options options = Options.parse("--url=http://127.0.0.1:" + port + "/hello", "--rate=400",
                "--duration=500ms", "--warmup=100ms", "--connections=4", "--header=X-Test: 1");

        LoadGen.Result result = LoadGen.measure(options);

        assertTrue(result.responses > 20, result.human());
        assertEquals(0, result.ioErrors, result.human());
        assertEquals(result.sent, result.responses, result.human());
        assertTrue(result.non2xx > 0, result.human());
        assertEquals(result.responses - result.non2xx, result.latency.getTotalCount(), result.human());
        assertEquals(result.latency.getTotalCount(), result.service.getTotalCount());
        assertTrue(result.connects > 0, result.human());
        assertTrue(result.machine().startsWith("rate=400 achieved="), result.machine());
        assertTrue(result.machine().matches("(\\S+=\\S+)( \\S+=\\S+)*"), result.machine());
    }

    @Test
    void aPortNobodyListensOnIsAnErrorBeforeTheRun() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        Options options = Options.parse("--url=http://127.0.0.1:" + port + "/", "--rate=10", "--duration=1s");
        assertThrows(IOException.class, () -> LoadGen.measure(options));
    }
}
