package io.gatehouse.bench.webclient;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Bug 2: Helidon 4.2's connection cache starts its idle monitor on a connection after putting it back in the
 * cache, so another thread may already use it, and the monitor steals the first byte of that thread's response
 * ({@code HTTP response did not contain correct status line}). Many threads send keep-alive GETs through one
 * client to a server that never closes a connection: every exchange must succeed. The window is a few instructions
 * wide, so it opens mostly when the OS deschedules a thread inside it: platform threads (as many as virtual ones,
 * on this 2-core machine) make that likelier than virtual threads on two carriers.
 */
class PoolRaceIT {

    private static final int THREADS = 64;
    private static final int BODY_BYTES = 64;

    enum Threads { VIRTUAL, PLATFORM }

    @ParameterizedTest
    @EnumSource(Threads.class)
    void concurrentKeepAliveRequestsAllSucceed(Threads kind) throws Exception {
        Thread.Builder builder = kind == Threads.VIRTUAL ? Thread.ofVirtual() : Thread.ofPlatform();
        int requests = Integer.getInteger("race.requests", 200_000);
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        try (FixedServer server = FixedServer.start(0, BODY_BYTES);
             HelidonClient client = new HelidonClient(server.port(), "/")) {
            AtomicInteger next = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                threads.add(builder.start(() -> {
                    while (next.getAndIncrement() < requests) {
                        try {
                            int read = client.get();
                            if (read != BODY_BYTES) {
                                failures.computeIfAbsent("body of " + read + " bytes", k -> new LongAdder()).increment();
                            }
                        } catch (Exception e) {
                            failures.computeIfAbsent(describe(e), k -> new LongAdder()).increment();
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        failures.forEach((failure, count) -> counts.put(failure, count.sum()));
        long failed = counts.values().stream().mapToLong(Long::longValue).sum();
        long statusLine = counts.entrySet().stream().filter(e -> e.getKey().contains("status line"))
                .mapToLong(Map.Entry::getValue).sum();
        Findings.record("2-pool-race", failed > 0, failed + " of " + requests + " requests failed (" + statusLine
                + " with a broken status line), " + THREADS + " " + kind.name().toLowerCase() + " threads" + (failed > 0 ? ": " + counts : ""));
        assertEquals(Map.of(), counts, "failed exchanges on healthy keep-alive connections");
    }

    /** The exception's type and the first line of its message (the rest holds the bytes seen). */
    private static String describe(Throwable e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + ": " + (message.length() > 80 ? message.substring(0, 80) : message);
    }
}
