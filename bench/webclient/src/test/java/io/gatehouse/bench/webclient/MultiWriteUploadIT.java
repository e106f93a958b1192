package io.gatehouse.bench.webclient;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Bug 3: with Helidon 4.2, a request body written to the request's output stream in more than one {@code write}
 * loses its {@code Content-Length} (it goes out chunked), and the first buffer is kept by reference, so a caller
 * that reuses its buffer (as any stream copy does) uploads wrong bytes. The server must receive the declared
 * {@code Content-Length} and exactly the bytes written.
 */
class MultiWriteUploadIT {

    record Case(String desc, int writeSize, int writes) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("3 writes of 16 KiB", 16 * 1024, 3),
                new Case("10 writes of 1000 bytes", 1000, 10),
                new Case("2 writes of 10 bytes", 10, 2));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void bodyWrittenInSeveralWritesKeepsItsLengthAndBytes(Case c) throws Exception {
        byte[] sent = new byte[c.writeSize() * c.writes()];
        new Random(8).nextBytes(sent);
        FixedServer.Received received;
        try (FixedServer server = FixedServer.start(0, 2)) {
            Http1Client client = HelidonClient.client(server.port());
            try (Http1ClientResponse response = client.post("/upload")
                    .header(HeaderNames.CONTENT_LENGTH, String.valueOf(sent.length))
                    .outputStream(out -> {
                        byte[] buffer = new byte[c.writeSize()]; // reused for every write, as a stream copy does
                        for (int i = 0; i < c.writes(); i++) {
                            System.arraycopy(sent, i * c.writeSize(), buffer, 0, c.writeSize());
                            out.write(buffer, 0, c.writeSize());
                        }
                        out.close();
                    })) {
                assertEquals(200, response.status().code());
                LoadClient.drain(response.inputStream());
            } finally {
                client.closeResource();
            }
            received = server.posts().poll();
        }
        assertNotNull(received, "the server received no POST");
        String length = received.headers().get("content-length");
        String transferEncoding = received.headers().get("transfer-encoding");
        int mismatch = Arrays.mismatch(sent, received.body());
        boolean lengthKept = String.valueOf(sent.length).equals(length);
        Findings.record("3-multi-write-upload", !lengthKept || mismatch != -1, c.desc() + ": Content-Length "
                + length + ", Transfer-Encoding " + transferEncoding + ", body " + (mismatch == -1 ? "exact"
                : received.body().length + " bytes, differs from byte " + mismatch));
        assertAll(
                () -> assertEquals(String.valueOf(sent.length), length, "Content-Length as declared"),
                () -> assertArrayEquals(sent, received.body(), "the bytes written"));
    }
}
