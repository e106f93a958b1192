package io.gatehouse.bench.webclient;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests per second of one client against a running {@link FixedServer}: {@code --threads} virtual threads send
 * GETs back to back; counting starts after {@code --warmup} seconds and lasts {@code --seconds}. Prints one line:
 * {@code rps=... errors=... cpu_us=...}: errors are failed exchanges in the measured window (the first one is
 * printed too); cpu_us is the CPU time of this whole JVM per request in that window, in microseconds, which other
 * load on the machine disturbs less than requests/s.
 *
 * <p>{@code java ... Throughput --client webclient|own --port N [--threads 32] [--warmup 5] [--seconds 10]
 * [--path /]}
 */
public final class Throughput {

    private static final OperatingSystemMXBean CPU =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Throughput() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int threads = Integer.parseInt(options.getOrDefault("threads", "32"));
        long warmupMillis = (long) (Double.parseDouble(options.getOrDefault("warmup", "5")) * 1000);
        long measureMillis = (long) (Double.parseDouble(options.getOrDefault("seconds", "10")) * 1000);
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (LoadClient client = LoadClient.create(options.getOrDefault("client", "webclient"),
                Integer.parseInt(options.get("port")), options.getOrDefault("path", "/"))) {
            for (int i = 0; i < threads; i++) {
                workers.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try {
                            client.get();
                            done.increment();
                        } catch (Exception e) {
                            failed.increment();
                            firstFailure.compareAndSet(null, e);
                        }
                    }
                }));
            }
            Thread.sleep(warmupMillis);
            long done0 = done.sum();
            long failed0 = failed.sum();
            firstFailure.set(null);
            long start = System.nanoTime();
            long cpu0 = CPU.getProcessCpuTime();
            Thread.sleep(measureMillis);
            long requests = done.sum() - done0;
            long errors = failed.sum() - failed0;
            long cpu = CPU.getProcessCpuTime() - cpu0;
            double seconds = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            for (Thread worker : workers) {
                worker.join();
            }
            System.out.printf("rps=%.0f errors=%d cpu_us=%.1f%n", requests / seconds, errors,
                    cpu / 1e3 / Math.max(1, requests));
            if (firstFailure.get() != null) {
                System.out.println("first error: " + firstFailure.get());
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (!options.containsKey("port")) {
            throw new IllegalArgumentException("--port is required");
        }
        return options;
    }
}
