package io.gatehouse.plugins.grpc;

import io.grpc.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The gRPC status → HTTP status table (google.rpc.Code's mapping), every code. */
class TranscodeStatusTest {

    @ParameterizedTest
    @CsvSource({
            "OK, 200", "CANCELLED, 499", "UNKNOWN, 500", "INVALID_ARGUMENT, 400", "DEADLINE_EXCEEDED, 504",
            "NOT_FOUND, 404", "ALREADY_EXISTS, 409", "PERMISSION_DENIED, 403", "RESOURCE_EXHAUSTED, 429",
            "FAILED_PRECONDITION, 400", "ABORTED, 409", "OUT_OF_RANGE, 400", "UNIMPLEMENTED, 501", "INTERNAL, 500",
            "UNAVAILABLE, 503", "DATA_LOSS, 500", "UNAUTHENTICATED, 401"})
    void mapsEveryCode(Status.Code code, int http) {
        assertEquals(http, StatusMapping.httpStatus(code));
    }
}
