package io.gatehouse.plugins.grpc;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrpcFramesTest {

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

    @Test
    void framesAreReadBackOneByOneAndTheEndIsClean() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(GrpcFrames.frame(0, HELLO));
        body.write(GrpcFrames.frame(0, new byte[0]));
        assertArrayEquals(new byte[]{0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'}, GrpcFrames.frame(0, HELLO));
        ByteArrayInputStream in = new ByteArrayInputStream(body.toByteArray());
        assertArrayEquals(HELLO, GrpcFrames.read(in, 100).payload());
        assertEquals(0, GrpcFrames.read(in, 100).payload().length);
        assertNull(GrpcFrames.read(in, 100));
    }

    @Test
    void aFrameCutShortIsInternal() {
        byte[] frame = GrpcFrames.frame(0, HELLO);
        for (int cut = 1; cut < frame.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(frame, cut);
            GrpcProtocolException e = assertThrows(GrpcProtocolException.class,
                    () -> GrpcFrames.read(new ByteArrayInputStream(truncated), 100), "cut at " + cut);
            assertEquals(Status.Code.INTERNAL, e.status().getCode());
        }
    }

    @Test
    void aLengthOverTheLimitIsResourceExhaustedWithoutReadingThePayload() {
        byte[] head = {0, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        GrpcProtocolException e = assertThrows(GrpcProtocolException.class,
                () -> GrpcFrames.read(new ByteArrayInputStream(head), 4 * 1024 * 1024));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.status().getCode());
        byte[] max = {0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, assertThrows(GrpcProtocolException.class,
                () -> GrpcFrames.read(new ByteArrayInputStream(max), Integer.MAX_VALUE)).status().getCode());
    }

    @Test
    void unknownFlagsAreInternal() {
        byte[] frame = GrpcFrames.frame(GrpcFrames.TRAILERS, HELLO);
        assertEquals(Status.Code.INTERNAL, assertThrows(GrpcProtocolException.class,
                () -> GrpcFrames.read(new ByteArrayInputStream(frame), 100)).status().getCode());
    }

    @Test
    void compressedMessagesAreInflatedWithTheirEncoding() throws IOException {
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write(HELLO);
        }
        ByteArrayOutputStream deflate = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(deflate)) {
            out.write(HELLO);
        }
        GrpcFrames.Frame gz = new GrpcFrames.Frame(1, gzip.toByteArray());
        assertArrayEquals(HELLO, GrpcFrames.message(gz, "gzip", 100));
        assertArrayEquals(HELLO, GrpcFrames.message(new GrpcFrames.Frame(1, deflate.toByteArray()), "deflate", 100));
        assertArrayEquals(HELLO, GrpcFrames.message(new GrpcFrames.Frame(0, HELLO), "gzip", 100));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, assertThrows(GrpcProtocolException.class,
                () -> GrpcFrames.message(gz, "gzip", 4)).status().getCode());
        assertEquals(Status.Code.INTERNAL, assertThrows(GrpcProtocolException.class,
                () -> GrpcFrames.message(gz, null, 100)).status().getCode());
        assertEquals(Status.Code.INTERNAL, assertThrows(GrpcProtocolException.class,
                () -> GrpcFrames.message(new GrpcFrames.Frame(1, HELLO), "gzip", 100)).status().getCode());
        assertTrue(GrpcFrames.knownEncoding(null));
        assertTrue(GrpcFrames.knownEncoding("GZIP"));
        assertFalse(GrpcFrames.knownEncoding("snappy"));
    }
}
