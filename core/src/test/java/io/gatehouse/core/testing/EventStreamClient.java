package io.gatehouse.core.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A client of a server-sent event stream on the JDK's {@link HttpClient}: its lines are read as they arrive (on a
 * virtual thread) and handed to the test, which waits for each one at most 10 seconds, so a stream held back by a
 * buffer fails the test instead of hanging it.
 */
public final class EventStreamClient implements AutoCloseable {

    private static final long WAIT_SECONDS = 10;
    private static final Object END = new Object();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();

    private EventStreamClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        Thread.ofVirtual().start(() -> {
            try {
                Iterator<String> it = response.body().iterator();
                while (it.hasNext()) {
                    lines.add(it.next());
                }
                lines.add(END);
            } catch (RuntimeException e) {
                lines.add(e);
            }
        });
    }

    /** Opens the stream ({@code Accept: text/event-stream}) and waits for the response head. */
    public static EventStreamClient open(URI uri) throws Exception {
        return new EventStreamClient(CLIENT.sendAsync(HttpRequest.newBuilder(uri)
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines())
                .get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    public HttpResponse<Stream<String>> response() {
        return response;
    }

    /** The next non-empty line of the body; fails when none arrives within 10 s or the body ended or broke first. */
    public String nextLine() throws InterruptedException {
        while (true) {
            Object next = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("no line reached the client within " + WAIT_SECONDS + " s");
            }
            if (next == END) {
                throw new AssertionError("the body ended where a line was expected");
            }
            if (next instanceof Throwable failure) {
                throw new AssertionError("the body broke where a line was expected: " + failure, failure);
            }
            if (!((String) next).isEmpty()) {
                return (String) next;
            }
        }
    }

    /**
     * Waits for the body to end.
     *
     * @return {@code null} when it ended normally (its last chunk arrived), else how it broke
     */
    public Throwable end() throws InterruptedException {
        while (true) {
            Object next = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("the body did not end within " + WAIT_SECONDS + " s");
            }
            if (next == END) {
                return null;
            }
            if (next instanceof Throwable failure) {
                return failure;
            }
            if (!((String) next).isEmpty()) {
                throw new AssertionError("expected the end of the body, got the line " + next);
            }
        }
    }

    @Override
    public void close() {
        response.body().close();
    }
}
