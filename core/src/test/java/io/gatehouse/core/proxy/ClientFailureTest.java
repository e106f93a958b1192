package io.gatehouse.core.proxy;

import io.gatehouse.api.GatewayException;
import io.gatehouse.core.error.ClientBodyException;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Whatever breaks while the client's body is read, it is the client's failure, with the status it deserves. */
class ClientFailureTest {

    private static final ClientBodyException TIMED_OUT = new ClientBodyException(408, "body_timeout", "slow");

    record Case(String desc, Throwable thrown, int status, String code) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> failures() {
        return Stream.of(
                new Case("already the client's", TIMED_OUT, 408, "body_timeout"),
                new Case("the client's, unchecked", new UncheckedIOException(TIMED_OUT), 408, "body_timeout"),
                new Case("a limit's refusal keeps its status", new GatewayException(413, "body_too_large", "big"),
                        413, "body_too_large"),
                new Case("Helidon's payload limit", RequestException.builder().type(EventType.BAD_REQUEST)
                        .status(Status.REQUEST_ENTITY_TOO_LARGE_413).message("too large").build(), 413,
                        "body_too_large"),
                new Case("reset", new SocketException("Connection reset"), ClientBodyException.CLIENT_CLOSED,
                        "client_aborted"),
                new Case("I/O, unchecked", new UncheckedIOException(new IOException("broken pipe")),
                        ClientBodyException.CLIENT_CLOSED, "client_aborted"),
                new Case("end of the client's data", new DataReader.InsufficientDataAvailableException(),
                        ClientBodyException.CLIENT_CLOSED, "client_aborted"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void isTheClientsFailure(Case c) {
        ClientBodyException failure = Http1Call.clientFailure(c.thrown());
        assertEquals(c.status(), failure.status());
        assertEquals(c.code(), failure.code());
        if (c.thrown() instanceof ClientBodyException) {
            assertSame(c.thrown(), failure, "kept as is");
        }
    }
}
