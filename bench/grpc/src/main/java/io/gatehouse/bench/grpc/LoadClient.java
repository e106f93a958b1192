package io.gatehouse.bench.grpc;

import io.gatehouse.bench.grpc.proto.EchoGrpc;
import io.gatehouse.bench.grpc.proto.Msg;
import io.grpc.CallOptions;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop gRPC load client: {@code --channels} channels (one HTTP/2 connection each) to {@code --target},
 * each with {@code --concurrency} calls of {@code bench.Echo/Echo} in flight; a call's slot sends the next call as
 * soon as the previous one ends. Calls are sent for {@code --warmup} seconds, not counted, then counted for
 * {@code --seconds} seconds: a call counts when it starts and ends inside that window. Being closed-loop, it
 * measures the throughput at a fixed concurrency, and its latencies leave out the waiting an open-loop client at
 * that rate would see (no coordinated-omission correction).
 *
 * <p>Prints one line: {@code calls_per_s=N p50_ms=X p99_ms=X errors=N calls=N}, and for each {@code --cpu NAME=PID}
 * {@code cpu_NAME_us=X}: the CPU time (user + system, from {@code /proc/PID/stat}) that process used during the
 * counted window, divided by the calls counted. The first error's status goes to stderr.
 *
 * <p>{@code --probe}: one call, prints the reply's text or the status, exits 0 if it succeeded.
 */
public final class LoadClient {

    private static final CallOptions CALL = CallOptions.DEFAULT;
    /** After a failed call its slot waits this long: a refused connection must not become a busy loop. */
    private static final long ERROR_PAUSE_MICROS = 1000;

    private final Msg request;
    private final long measureStart;
    private final long end;
    private final ScheduledExecutorService timer;
    private final AtomicReference<Status> firstError = new AtomicReference<>();

    private LoadClient(Msg request, long measureStart, long end, ScheduledExecutorService timer) {
        this.request = request;
        this.measureStart = measureStart;
        this.end = end;
        this.timer = timer;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Msg request = Msg.newBuilder().setText(options.text).build();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < (options.probe ? 1 : options.channels); i++) {
            channels.add(NettyChannelBuilder.forTarget(options.target, InsecureChannelCredentials.create())
                    .directExecutor()
                    .disableRetry()
                    .build());
        }
        try {
            if (options.probe) {
                System.exit(probe(channels.getFirst(), request));
            }
            System.out.println(run(options, channels, request));
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    private static int probe(ManagedChannel channel, Msg request) {
        try {
            Msg reply = ClientCalls.blockingUnaryCall(channel, EchoGrpc.getEchoMethod(),
                    CALL.withDeadlineAfter(10, TimeUnit.SECONDS), request);
            System.out.println("reply text=" + reply.getText());
            return reply.getText().equals(request.getText()) ? 0 : 1;
        } catch (RuntimeException e) {
            System.out.println("failed " + Status.fromThrowable(e));
            return 1;
        }
    }

    private static String run(Options options, List<ManagedChannel> channels, Msg request) throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "load-client-timer");
            thread.setDaemon(true);
            return thread;
        });
        long start = System.nanoTime();
        long measureStart = start + TimeUnit.MILLISECONDS.toNanos(Math.round(options.warmup * 1000));
        long end = measureStart + TimeUnit.MILLISECONDS.toNanos(Math.round(options.seconds * 1000));
        LoadClient client = new LoadClient(request, measureStart, end, timer);
        Map<String, long[]> cpu = new LinkedHashMap<>();
        timer.schedule(() -> options.cpu.forEach((name, pid) -> cpu.put(name, new long[] {cpuTicks(pid), 0})),
                measureStart - start, TimeUnit.NANOSECONDS);
        timer.schedule(() -> options.cpu.forEach((name, pid) -> cpu.get(name)[1] = cpuTicks(pid)),
                end - start, TimeUnit.NANOSECONDS);

        CountDownLatch done = new CountDownLatch(options.channels * options.concurrency);
        List<Slot> slots = new ArrayList<>();
        for (ManagedChannel channel : channels) {
            for (int i = 0; i < options.concurrency; i++) {
                Slot slot = client.new Slot(channel, done);
                slots.add(slot);
                slot.next();
            }
        }
        if (!done.await((long) (options.warmup + options.seconds) + 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls still in flight 30 s after the end");
        }
        timer.shutdown();
        timer.awaitTermination(5, TimeUnit.SECONDS);

        long calls = 0;
        long errors = 0;
        for (Slot slot : slots) {
            calls += slot.count;
            errors += slot.errors;
        }
        long[] latencies = new long[(int) calls];
        int at = 0;
        for (Slot slot : slots) {
            System.arraycopy(slot.latencies, 0, latencies, at, slot.count);
            at += slot.count;
        }
        Arrays.sort(latencies);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "calls_per_s=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d calls=%d", calls / options.seconds,
                percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6, errors, calls));
        long counted = calls;
        cpu.forEach((name, ticks) -> line.append(String.format(Locale.ROOT, " cpu_%s_us=%.1f", name,
                counted == 0 ? 0.0 : (ticks[1] - ticks[0]) * 1e6 / options.clockTicks / counted)));
        Status error = client.firstError.get();
        if (error != null) {
            System.err.println("first error: " + error);
        }
        return line.toString();
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** User + system time of a process in clock ticks, from {@code /proc/PID/stat} (fields 14 and 15). */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after it
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid + ": " + e.getMessage(), e);
        }
    }

    /** One call in flight at a time, its latencies recorded; touched by one call's callbacks at a time. */
    private final class Slot implements StreamObserver<Msg> {
        private final ManagedChannel channel;
        private final CountDownLatch done;
        private long[] latencies = new long[1024];
        private int count;
        private long errors;
        private long started;

        Slot(ManagedChannel channel, CountDownLatch done) {
            this.channel = channel;
            this.done = done;
        }

        void next() {
            long now = System.nanoTime();
            if (now - end >= 0) {
                done.countDown();
                return;
            }
            started = now;
            ClientCalls.asyncUnaryCall(channel.newCall(EchoGrpc.getEchoMethod(),
                    CALL.withDeadlineAfter(10, TimeUnit.SECONDS)), request, this);
        }

        @Override
        public void onNext(Msg reply) {
        }

        @Override
        public void onCompleted() {
            long finished = System.nanoTime();
            if (counted(finished)) {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = finished - started;
            }
            next();
        }

        @Override
        public void onError(Throwable t) {
            if (counted(System.nanoTime())) {
                errors++;
            }
            firstError.compareAndSet(null, Status.fromThrowable(t));
            timer.schedule(this::next, ERROR_PAUSE_MICROS, TimeUnit.MICROSECONDS);
        }

        private boolean counted(long finished) {
            return started - measureStart >= 0 && finished - end <= 0;
        }
    }

    private static final class Options {
        String target;
        int channels = 4;
        int concurrency = 8;
        double warmup = 2;
        double seconds = 10;
        String text = "hello";
        long clockTicks = 100;
        boolean probe;
        final Map<String, Long> cpu = new LinkedHashMap<>();

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--probe")) {
                    options.probe = true;
                    continue;
                }
                if (i + 1 == args.length) {
                    usage("missing the value of " + arg);
                }
                String value = args[++i];
                switch (arg) {
                    case "--target" -> options.target = value;
                    case "--channels" -> options.channels = Integer.parseInt(value);
                    case "--concurrency" -> options.concurrency = Integer.parseInt(value);
                    case "--warmup" -> options.warmup = seconds(value);
                    case "--seconds" -> options.seconds = seconds(value);
                    case "--text" -> options.text = value;
                    case "--clock-ticks" -> options.clockTicks = Long.parseLong(value);
                    case "--cpu" -> {
                        int eq = value.indexOf('=');
                        if (eq < 1) {
                            usage("--cpu takes NAME=PID, got " + value);
                        }
                        options.cpu.put(value.substring(0, eq), Long.parseLong(value.substring(eq + 1)));
                    }
                    default -> usage("unknown option " + arg);
                }
            }
            if (options.target == null) {
                usage("--target HOST:PORT is required");
            }
            if (options.channels < 1 || options.concurrency < 1 || options.seconds <= 0 || options.warmup < 0) {
                usage("--channels and --concurrency must be at least 1, --seconds positive");
            }
            return options;
        }

        /** {@code 10}, {@code 10s} or {@code 1.5s}. */
        private static double seconds(String value) {
            return Double.parseDouble(value.endsWith("s") ? value.substring(0, value.length() - 1) : value);
        }

        private static void usage(String problem) {
            System.err.println(problem);
            System.err.println("usage: LoadClient --target HOST:PORT [--channels 4] [--concurrency 8] [--warmup 2s]"
                    + " [--seconds 10s] [--text hello] [--cpu NAME=PID]... [--clock-ticks 100] | --probe");
            System.exit(2);
        }
    }
}
