package io.gatehouse.core.testing;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients sending one request in a loop, as fast as they can, on virtual threads, counting 200s and recording
 * everything else, until closed. For "no request fails while ..." tests.
 */
public final class ClientLoop implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ok = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();

    private ClientLoop(int clients, Callable<HttpResponse<String>> request) {
        for (int i = 0; i < clients; i++) {
            this.clients.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = request.call();
                        if (response.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
    }

    public static ClientLoop start(int clients, Callable<HttpResponse<String>> request) {
        return new ClientLoop(clients, request);
    }

    /** @return the 200 answers so far */
    public long ok() {
        return ok.get();
    }

    /** @return every other answer or exception, as text */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops the clients and waits for their last requests. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join();
        }
    }
}
