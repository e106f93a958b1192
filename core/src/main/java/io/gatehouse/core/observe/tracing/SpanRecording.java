package io.gatehouse.core.observe.tracing;

import io.gatehouse.api.Endpoint;
import io.gatehouse.core.observe.RequestObserver.AttemptOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a sampled exchange did, kept as plain numbers while it runs ({@link System#nanoTime()} values) and turned
 * into spans when it completes: so tracing adds nothing to the filter chain but a few array stores.
 */
final class SpanRecording {

    /** One upstream attempt. */
    record Attempt(long spanId, String upstream, Endpoint endpoint, int attempt, long start, long end,
                   AttemptOutcome outcome) {
    }

    /** One script {@code upstreams.fetch}; {@code status} 0 when it failed with {@code error}. */
    record Fetch(long spanId, String upstream, String method, String path, Endpoint endpoint, int attempts,
                 long start, long end, int status, String error) {
    }

    private long[] filterSpans;
    private long[] filterStarts;
    private long[] filterEnds;
    private boolean[] filterFailed;
    private final List<Attempt> attempts = new ArrayList<>(2);
    // script fetches finish on their own threads
    private final ConcurrentLinkedQueue<Fetch> fetches = new ConcurrentLinkedQueue<>();

    void filter(int filters, int index, long start, long end, boolean failed) {
        if (filterSpans == null) {
            filterSpans = new long[filters];
            filterStarts = new long[filters];
            filterEnds = new long[filters];
            filterFailed = new boolean[filters];
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < filters; i++) {
                filterSpans[i] = random.nextLong() | 1; // never 0
            }
        }
        if (index < filterSpans.length) {
            filterStarts[index] = start;
            filterEnds[index] = end;
            filterFailed[index] = failed;
        }
    }

    void attempt(Attempt attempt) {
        attempts.add(attempt);
    }

    void fetch(Fetch fetch) {
        fetches.add(fetch);
    }

    /** @return how many filters the chain has, 0 when none reported */
    int filterCount() {
        return filterSpans == null ? 0 : filterSpans.length;
    }

    /** @return whether filter {@code index} ran (and reported its end) */
    boolean ran(int index) {
        return filterEnds[index] != 0 || filterStarts[index] != 0;
    }

    long filterSpan(int index) {
        return filterSpans[index];
    }

    long filterStart(int index) {
        return filterStarts[index];
    }

    long filterEnd(int index) {
        return filterEnds[index];
    }

    boolean filterFailed(int index) {
        return filterFailed[index];
    }

    List<Attempt> attempts() {
        return attempts;
    }

    Iterable<Fetch> fetches() {
        return fetches;
    }
}
