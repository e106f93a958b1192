package io.gatehouse.core.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Logs upstream failures as one line each, never a stack trace, and at most one line per second for the same kind of
 * failure of the same endpoint: during an outage every request fails the same way, and a line per request would
 * bury everything else. The next line that gets through says how many were left out since the last one.
 */
public final class FailureLog {

    private static final System.Logger LOG = System.getLogger(FailureLog.class.getName());
    private static final int MAX_KEYS = 4096;

    private final LongSupplier nanoTime;
    private final long windowNanos;
    private final Consumer<String> sink;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    FailureLog(LongSupplier nanoTime, long windowNanos, Consumer<String> sink) {
        this.nanoTime = nanoTime;
        this.windowNanos = windowNanos;
        this.sink = sink;
    }

    /** One line per second and key, as warnings. */
    public static FailureLog perSecond() {
        return new FailureLog(System::nanoTime, TimeUnit.SECONDS.toNanos(1),
                line -> LOG.log(System.Logger.Level.WARNING, line));
    }

    /**
     * Logs {@code line} unless a line of the same {@code key} was logged less than a window ago; then it is counted.
     *
     * @param key  what makes two failures alike, e.g. upstream, endpoint and kind
     * @param line the line, built only when it is logged
     */
    public void log(String key, java.util.function.Supplier<String> line) {
        if (windows.size() >= MAX_KEYS && !windows.containsKey(key)) {
            windows.clear(); // endpoints come and go with discovery: forget old ones rather than grow
        }
        long now = nanoTime.getAsLong();
        Window window = windows.computeIfAbsent(key, k -> new Window(now));
        long next = window.next.get();
        if (now - next >= 0 && window.next.compareAndSet(next, now + windowNanos)) {
            int left = window.suppressed.getAndSet(0);
            sink.accept(left == 0 ? line.get() : line.get() + " (and " + left + " more like it before)");
        } else {
            window.suppressed.incrementAndGet();
        }
    }

    /** Text for a log line describing what an exception says, without its stack. */
    static String describe(Throwable e) {
        if (e == null) {
            return "";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String text = root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.lines().findFirst().orElse("");
    }

    private static final class Window {
        private final AtomicLong next;
        private final AtomicInteger suppressed = new AtomicInteger();

        private Window(long now) {
            this.next = new AtomicLong(now);
        }
    }
}
