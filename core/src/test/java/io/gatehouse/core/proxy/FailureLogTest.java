package io.gatehouse.core.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** At most one line per second for alike failures, with a count of those left out; other failures go through. */
class FailureLogTest {

    /** A failure at a time (ms), under a key. */
    record Failure(long atMillis, String key) {
    }

    /**
     * @param desc     the situation
     * @param failures what happens, in order
     * @param lines    what is logged: "key@ms" and " (and N more like it before)" when some were left out
     */
    record Case(String desc, List<Failure> failures, List<String> lines) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("one failure", List.of(new Failure(0, "a")), List.of("a@0")),
                new Case("an outage: many alike in a second", List.of(new Failure(0, "a"), new Failure(10, "a"),
                        new Failure(500, "a"), new Failure(999, "a")), List.of("a@0")),
                new Case("the next second says how many were left out", List.of(new Failure(0, "a"),
                        new Failure(10, "a"), new Failure(20, "a"), new Failure(1000, "a"), new Failure(1500, "a"),
                        new Failure(2500, "a")),
                        List.of("a@0", "a@1000 (and 2 more like it before)", "a@2500 (and 1 more like it before)")),
                new Case("other kinds and endpoints are not held back", List.of(new Failure(0, "a"),
                        new Failure(1, "b"), new Failure(2, "a"), new Failure(3, "c")), List.of("a@0", "b@1", "c@3")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void logsOneLinePerSecondAndKey(Case c) {
        long[] now = {0};
        List<String> lines = new ArrayList<>();
        FailureLog log = new FailureLog(() -> now[0] * 1_000_000, 1_000_000_000L, lines::add);

        for (Failure failure : c.failures()) {
            now[0] = failure.atMillis();
            log.log(failure.key(), () -> failure.key() + "@" + failure.atMillis());
        }

        assertEquals(c.lines(), lines);
    }

    /**
     * @param desc what failed
     * @param e    the exception
     * @param text what the log line says of it
     */
    record Described(String desc, Throwable e, String text) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Described> described() {
        return Stream.of(
                new Described("the innermost cause, by its simple name", new UncheckedIOException(
                        new SocketException("Connection reset")), "SocketException: Connection reset"),
                new Described("no message", new IOException(new java.net.SocketTimeoutException()),
                        "SocketTimeoutException"),
                new Described("the first line only", new IOException("one\ntwo"), "IOException: one"));
    }

    @ParameterizedTest
    @MethodSource("described")
    void describesAnExceptionInOneLineWithoutItsStack(Described c) {
        assertEquals(c.text(), FailureLog.describe(c.e()));
    }
}
