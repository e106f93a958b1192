package io.gatehouse.plugins.discovery.support;

import io.gatehouse.api.Endpoint;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/** A subscriber for tests: records every list a watch delivers and waits for one that matches. */
public final class EndpointRecorder implements Consumer<List<Endpoint>> {

    /** Generous: a slow CI machine must not fail a test that is only waiting. */
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    private final List<List<Endpoint>> deliveries = new CopyOnWriteArrayList<>();

    @Override
    public void accept(List<Endpoint> endpoints) {
        deliveries.add(endpoints);
    }

    /** @return every list delivered so far, oldest first */
    public List<List<Endpoint>> deliveries() {
        return List.copyOf(deliveries);
    }

    /** @return the last list delivered, or {@code null} if none */
    public List<Endpoint> latest() {
        List<List<Endpoint>> all = deliveries();
        return all.isEmpty() ? null : all.getLast();
    }

    /**
     * Waits until the latest delivery matches.
     *
     * @param what      what the test waits for, for the failure message
     * @param condition the test on the latest list
     * @return the matching list
     */
    public List<Endpoint> awaitLatest(String what, Predicate<List<Endpoint>> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            List<Endpoint> latest = latest();
            if (latest != null && condition.test(latest)) {
                return latest;
            }
            pause();
        }
        return fail("timed out waiting for " + what + "; deliveries: " + deliveries());
    }

    /**
     * Waits until the latest delivery holds exactly these URLs (in any order).
     *
     * @param urls the expected endpoint URLs
     * @return the matching list
     */
    public List<Endpoint> awaitUrls(String... urls) {
        List<String> expected = List.of(urls).stream().sorted().toList();
        return awaitLatest("endpoints " + expected, list -> list.stream()
                .map(e -> e.url().toString()).sorted().toList().equals(expected));
    }

    /**
     * Waits until at least {@code count} deliveries have arrived (e.g. to see that a watch is running again).
     *
     * @param count how many deliveries
     */
    public void awaitDeliveries(int count) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (deliveries.size() < count) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + count + " deliveries; got " + deliveries());
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
