package io.gatehouse.plugins.discovery.support;

import io.gatehouse.api.Endpoint;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchLoopTest {

    private static final Endpoint A = Endpoint.of("http://127.0.0.1:8081");
    private static final Endpoint B = Endpoint.of("http://127.0.0.1:8082");

    /** A source driven by the test: each poll takes the next step (a list to publish, or an exception). */
    private static final class ScriptedSource implements EndpointSource {
        final BlockingQueue<Object> steps = new LinkedBlockingQueue<>();
        final AtomicInteger polls = new AtomicInteger();

        @Override
        public void poll(java.util.function.Consumer<List<Endpoint>> publish) throws Exception {
            polls.incrementAndGet();
            Object step = steps.take();
            if (step instanceof Exception e) {
                throw e;
            }
            @SuppressWarnings("unchecked")
            List<Endpoint> list = (List<Endpoint>) step;
            publish.accept(list);
        }
    }

    private static WatchLoop loop(ScriptedSource source, EndpointRecorder recorder) {
        return new WatchLoop("test", System.getLogger("test"), recorder,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), source).start();
    }

    @Test
    void deliversOnlyChangesAndKeepsTheLastListThroughFailures() {
        ScriptedSource source = new ScriptedSource();
        EndpointRecorder recorder = new EndpointRecorder();
        try (WatchLoop ignored = loop(source, recorder)) {
            source.steps.add(List.of(B, A));
            recorder.awaitUrls("http://127.0.0.1:8081", "http://127.0.0.1:8082");
            source.steps.add(List.of(A, B));                     // same set, other order: no delivery
            source.steps.add(new IOException("connection refused"));
            source.steps.add(new IllegalStateException("bad answer"));
            source.steps.add(List.of(A));
            recorder.awaitUrls("http://127.0.0.1:8081");
        }
        assertEquals(List.of(List.of(A, B), List.of(A)), recorder.deliveries());
    }

    @Test
    void closeStopsTheThreadAndNothingIsDeliveredAfterIt() throws Exception {
        ScriptedSource source = new ScriptedSource();
        EndpointRecorder recorder = new EndpointRecorder();
        WatchLoop loop = loop(source, recorder);
        source.steps.add(List.of(A));
        recorder.awaitDeliveries(1);
        loop.close();
        source.steps.add(List.of(B));
        Thread.sleep(50);
        assertEquals(List.of(List.of(A)), recorder.deliveries());
        assertTrue(source.polls.get() <= 2, "a closed loop stops polling");
    }

    @Test
    void backoffDoublesUpToTheCapAndResets() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(350));
        List<Long> ceilings = List.of(100L, 200L, 350L, 350L);
        for (long ceiling : ceilings) {
            long millis = backoff.next().toMillis();
            assertTrue(millis >= ceiling / 2 && millis <= ceiling, millis + " within [" + ceiling / 2 + ", " + ceiling + "]");
        }
        backoff.reset();
        assertTrue(backoff.next().toMillis() <= 100);
    }
}
