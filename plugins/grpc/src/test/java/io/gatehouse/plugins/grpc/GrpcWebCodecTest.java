package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Headers;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GrpcWebCodecTest {

    private static InputStream text(String base64) {
        return GrpcWebCodec.decodingText(new ByteArrayInputStream(base64.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void textIsDecodedAcrossSeveralPaddedPieces() throws IOException {
        byte[] first = GrpcFrames.frame(0, "a".getBytes(StandardCharsets.UTF_8));
        byte[] second = GrpcFrames.frame(0, "bc".getBytes(StandardCharsets.UTF_8));
        String body = Base64.getEncoder().encodeToString(first) + Base64.getEncoder().encodeToString(second);
        assertEquals(2, body.chars().filter(c -> c == '=').count(), "padding between the pieces: " + body);
        InputStream in = text(body);
        assertArrayEquals("a".getBytes(StandardCharsets.UTF_8), GrpcFrames.read(in, 10).payload());
        assertArrayEquals("bc".getBytes(StandardCharsets.UTF_8), GrpcFrames.read(in, 10).payload());
        assertEquals(-1, in.read());
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertArrayEquals(all, text(Base64.getEncoder().encodeToString(all)).readAllBytes());
        assertArrayEquals(all, text(Base64.getUrlEncoder().encodeToString(all)).readAllBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"AAAA!AAA", "AA=A", "A===", "AAAAA", "AAA", "QUJD\r\n", "Zm9v YmFy"})
    void invalidTextIsInternal(String body) {
        GrpcProtocolException e = assertThrows(GrpcProtocolException.class, () -> text(body).readAllBytes());
        assertEquals(Status.Code.INTERNAL, e.status().getCode());
    }

    @Test
    void theTrailerFrameHasLowerCaseLines() {
        Headers trailers = Headers.of("grpc-status", "3", "grpc-message", "bad%20name", "X-Echo-Trailer", "t");
        byte[] frame = GrpcWebCodec.trailerFrame(trailers);
        assertEquals((byte) 0x80, frame[0]);
        String block = new String(frame, 5, frame.length - 5, StandardCharsets.ISO_8859_1);
        assertEquals("grpc-status: 3\r\ngrpc-message: bad%20name\r\nx-echo-trailer: t\r\n", block);
        assertEquals(block.length(), ((frame[3] & 0xFF) << 8) | (frame[4] & 0xFF));
        assertEquals(Base64.getEncoder().encodeToString(frame), new String(GrpcWebCodec.text(frame),
                StandardCharsets.US_ASCII));
    }
}
