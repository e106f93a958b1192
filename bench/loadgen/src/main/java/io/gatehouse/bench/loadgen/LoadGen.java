package io.gatehouse.bench.loadgen;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate HTTP/1.1 load client: {@code --connections} keep-alive connections, each on its own thread and its
 * own schedule, together sending {@code --rate} requests per second for {@code --warmup} (not recorded) and then
 * {@code --duration}; latency is measured from each request's intended send time (see {@link Connection}).
 *
 * <p>Prints a line for people on stderr and one {@code key=value ...} line on stdout:
 * {@code rate achieved requests errors p50_ms p90_ms p99_ms p999_ms max_ms svc_p50_ms svc_p99_ms wake_p50_ms
 * wake_p99_ms unsent connections duration_s cpu_client_pct cpu_client_us} and {@code cpu_NAME_us} per {@code --cpu NAME=PID[,PID...]} (CPU µs per response
 * in the measured window, from {@code /proc/PID/stat}). Exit status 0, 1 when the server could not be reached at
 * all, 2 for bad arguments.
 */
public final class LoadGen {

    /** Below this share of the target rate the human line says the target was not reached. */
    private static final double SHORTFALL = 0.98;
    /** Linux's USER_HZ, the unit of /proc/PID/stat's times. */
    private static final double CLOCK_TICKS_PER_S = 100;
    /** How often the main thread looks for responses that exceeded --timeout. */
    private static final long WATCH_INTERVAL_NANOS = 50_000_000;

    private LoadGen() {
    }

    public static void main(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(Options.USAGE);
                return;
            }
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options));
    }

    private static int run(Options options) {
        Result result;
        try {
            result = measure(options);
        } catch (IOException e) {
            System.err.println("loadgen: cannot get a response from " + options.url + ": " + e.getMessage());
            return 1;
        }
        System.err.println(result.human());
        System.out.println(result.machine());
        return 0;
    }

    /**
     * Connects, checks that the URL answers, runs the warm-up and the measured window; throws when the first request
     * cannot be made at all.
     */
    static Result measure(Options options) throws IOException {
        InetSocketAddress address = new InetSocketAddress(options.host, options.port);
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve " + options.host);
        }
        byte[] request = options.request();
        AtomicReference<String> firstError = new AtomicReference<>();
        Connection[] connections = new Connection[options.connections];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new Connection(i, options, request, address, firstError);
        }
        int status = connections[0].probe();
        if (status < 200 || status >= 300) {
            System.err.println("loadgen: " + options.url + " answered " + status + "; non-2xx responses count as errors");
        }
        for (Connection connection : connections) {
            connection.open();
        }

        Thread[] threads = new Thread[connections.length];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = (options.virtualThreads ? Thread.ofVirtual() : Thread.ofPlatform().daemon().stackSize(256 * 1024))
                    .name("loadgen-" + i).unstarted(connections[i]);
        }
        long warmupStart = System.nanoTime() + 20_000_000; // the threads are up by then
        long measureStart = warmupStart + options.warmupNanos;
        long measureEnd = measureStart + options.durationNanos;
        for (Connection connection : connections) {
            connection.schedule(warmupStart, measureStart, measureEnd);
        }
        for (Thread thread : threads) {
            thread.start();
        }

        Map<String, List<Long>> pids = new LinkedHashMap<>();
        pids.put("client", List.of(ProcessHandle.current().pid()));
        pids.putAll(options.cpu);
        // the main thread samples the CPU times at the window's ends and expires responses that take too long
        Map<String, Long> cpuBefore = null;
        Map<String, Long> cpuAfter = null;
        int running = threads.length;
        while (running > 0) {
            long now = System.nanoTime();
            if (cpuBefore == null && now - measureStart >= 0) {
                cpuBefore = cpuTicks(pids);
            }
            if (cpuAfter == null && now - measureEnd >= 0) {
                cpuAfter = cpuTicks(pids);
            }
            for (Connection connection : connections) {
                connection.expire(now);
            }
            long next = now + WATCH_INTERVAL_NANOS;
            if (cpuBefore == null) {
                next = Math.min(next, measureStart);
            } else if (cpuAfter == null) {
                next = Math.min(next, measureEnd);
            }
            sleepUntil(next);
            running = 0;
            for (Thread thread : threads) {
                running += thread.isAlive() ? 1 : 0;
            }
        }
        if (cpuBefore == null) {
            cpuBefore = Map.of();
        }
        if (cpuAfter == null) {
            cpuAfter = cpuTicks(pids);
        }
        for (Thread thread : threads) {
            try {
                thread.join(); // ended already: for the memory effects
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }

        Result result = new Result(options, firstError.get());
        for (Connection c : connections) {
            result.latency.add(c.latency);
            result.service.add(c.service);
            result.connectTime.add(c.connectTime);
            result.wakeLateness.add(c.wakeLateness);
            result.expected += c.expected;
            result.sent += c.sent;
            result.responses += c.responses;
            result.non2xx += c.non2xx;
            result.ioErrors += c.ioErrors;
            result.connects += c.connects;
        }
        for (String name : pids.keySet()) {
            Long before = cpuBefore.get(name);
            Long after = cpuAfter.get(name);
            if (before != null && after != null) {
                result.cpuSeconds.put(name, (after - before) / CLOCK_TICKS_PER_S);
            }
        }
        return result;
    }

    /** What a run measured, merged over the connections. */
    static final class Result {
        final Options options;
        final String firstError;
        final Histogram latency = new Histogram(3);
        final Histogram service = new Histogram(3);
        final Histogram connectTime = new Histogram(3);
        final Histogram wakeLateness = new Histogram(3);
        long expected;
        long sent;
        long responses;
        long non2xx;
        long ioErrors;
        long connects;
        /** CPU seconds in the measured window: "client" and each --cpu name. */
        final Map<String, Double> cpuSeconds = new LinkedHashMap<>();

        Result(Options options, String firstError) {
            this.options = options;
            this.firstError = firstError;
        }

        double seconds() {
            return options.durationNanos / 1e9;
        }

        double achieved() {
            return responses / seconds();
        }

        long errors() {
            return non2xx + ioErrors;
        }

        long unsent() {
            return expected - sent;
        }

        String machine() {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "rate=%s achieved=%.0f requests=%d errors=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f"
                            + " max_ms=%.3f svc_p50_ms=%.3f svc_p99_ms=%.3f wake_p50_ms=%.3f wake_p99_ms=%.3f"
                            + " unsent=%d connections=%d duration_s=%s",
                    number(options.rate), achieved(), responses, errors(), ms(latency, 50), ms(latency, 90),
                    ms(latency, 99), ms(latency, 99.9), latency.getMaxValue() / 1000.0, ms(service, 50),
                    ms(service, 99), ms(wakeLateness, 50), ms(wakeLateness, 99), unsent(), options.connections,
                    number(seconds())));
            cpuSeconds.forEach((name, cpu) -> {
                if (name.equals("client")) {
                    line.append(String.format(Locale.ROOT, " cpu_client_pct=%.1f", cpu / seconds() * 100));
                }
                line.append(String.format(Locale.ROOT, " cpu_%s_us=%.1f", name, perResponseMicros(cpu)));
            });
            return line.toString();
        }

        String human() {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "loadgen: %s/s intended, %.0f/s achieved (%d responses in %s s, %d connections, %d errors);"
                            + " latency from the intended send: p50 %.3f ms, p90 %.3f, p99 %.3f, p99.9 %.3f, max %.3f"
                            + " (service time p50 %.3f, p99 %.3f; the client's wake-up lateness p50 %.3f, p99 %.3f)",
                    number(options.rate), achieved(), responses, number(seconds()), options.connections, errors(),
                    ms(latency, 50), ms(latency, 90), ms(latency, 99), ms(latency, 99.9),
                    latency.getMaxValue() / 1000.0, ms(service, 50), ms(service, 99), ms(wakeLateness, 50),
                    ms(wakeLateness, 99)));
            cpuSeconds.forEach((name, cpu) -> line.append(name.equals("client")
                    ? String.format(Locale.ROOT, "; client CPU %.0f%% of a core", cpu / seconds() * 100)
                    : String.format(Locale.ROOT, ", %s %.1f µs/response", name, perResponseMicros(cpu))));
            if (achieved() < options.rate * SHORTFALL) {
                line.append(String.format(Locale.ROOT, ". BELOW TARGET by %.1f%% (%d intended sends not made): the"
                                + " server (or this client) could not keep up, and the percentiles include the queueing",
                        100 * (1 - achieved() / options.rate), unsent()));
            }
            if (errors() > 0) {
                line.append(String.format(Locale.ROOT, ". Errors: %d non-2xx, %d connection/timeout/parse; first: %s",
                        non2xx, ioErrors, firstError));
            }
            if (connects > 0) {
                line.append(String.format(Locale.ROOT, ". %d connections opened during the run (the server closed"
                        + " them, or after errors), taking p50 %.3f ms, max %.3f", connects, ms(connectTime, 50),
                        connectTime.getMaxValue() / 1000.0));
            }
            return line.toString();
        }

        private double perResponseMicros(double cpuSeconds) {
            return responses == 0 ? 0 : cpuSeconds * 1e6 / responses;
        }
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static void sleepUntil(long deadline) {
        long now;
        while ((now = System.nanoTime()) - deadline < 0) {
            LockSupport.parkNanos(deadline - now);
        }
    }

    /**
     * User + system time of each group of processes in clock ticks, from {@code /proc/PID/stat}; a group with a
     * process that cannot be read (not Linux, or it ended) is left out.
     */
    private static Map<String, Long> cpuTicks(Map<String, List<Long>> pids) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, group) -> {
            try {
                long sum = 0;
                for (long pid : group) {
                    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                    // the command name (field 2) is in parentheses and may hold spaces: count the fields after it
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
                ticks.put(name, sum);
            } catch (IOException | RuntimeException e) {
                // no CPU figure for this group
            }
        });
        return ticks;
    }
}
