package io.gatehouse.plugins.ratelimit;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on a loopback port that counts what it receives. {@code /slow/...} sends its head and the first
 * bytes of a chunked body, then waits until {@link #release()} (or 30 s) before finishing it.
 */
final class CountingUpstream implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger inSlow = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(1);

    private CountingUpstream(HttpServer server) {
        this.server = server;
    }

    static CountingUpstream start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        CountingUpstream upstream = new CountingUpstream(server);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            upstream.received.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            boolean slow = exchange.getRequestURI().getPath().contains("/slow");
            try (OutputStream out = exchange.getResponseBody()) {
                if (slow) {
                    upstream.inSlow.incrementAndGet();
                    exchange.sendResponseHeaders(200, 0);
                    out.write("started\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    try {
                        upstream.gate.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    out.write("done\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    out.write(body);
                }
            } catch (IOException e) {
                // the gateway went away mid-body: nothing to do
            } finally {
                if (slow) {
                    upstream.inSlow.decrementAndGet();
                }
            }
        });
        server.start();
        return upstream;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int count() {
        return received.get();
    }

    int slowInProgress() {
        return inSlow.get();
    }

    /** Lets every waiting slow response finish; later ones wait again. */
    void release() {
        CountDownLatch open = gate;
        gate = new CountDownLatch(1);
        open.countDown();
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
    }
}
