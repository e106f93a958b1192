package io.gatehouse.plugins.grpc;

import io.gatehouse.core.testing.RawHttp2;
import io.gatehouse.plugins.grpc.test.SayReply;
import io.gatehouse.plugins.grpc.test.SayRequest;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end over raw HTTP/2: gRPC requests whose frames no grpc library would send (cut short, longer than the
 * limit, unknown flags, compressed without a codec) reach the gateway as written; each ends with a clean gRPC status
 * in HTTP/2 trailers, and nothing of it reaches the server.
 */
class NativeRawIT extends ProxyTest {

    record Case(String name, byte[] body, String encoding, int status) {
    }

    @Test
    void framesNoClientShouldSendEndWithAStatusInTheTrailers() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        byte[] good = GrpcFrames.frame(0, SayRequest.newBuilder().setName("never").build().toByteArray());
        byte[] compressed = good.clone();
        compressed[0] = 1;
        byte[] flagged = good.clone();
        flagged[0] = 2;
        List<Case> cases = List.of(
                new Case("a frame cut short", Arrays.copyOf(good, good.length - 1), null, 13),
                new Case("a frame longer than max_message_size", new byte[]{0, 0x40, 0, 0, 1, 9}, null, 8),
                new Case("unknown flags", flagged, null, 13),
                new Case("compressed without grpc-encoding", compressed, null, 13),
                new Case("compressed with an unknown grpc-encoding", compressed, "snappy", 12));
        int port = proxy.gateway.gateway().port();
        for (Case c : cases) {
            try (RawHttp2 h2 = RawHttp2.connect(port)) {
                List<String> headers = new ArrayList<>(List.of("content-type", "application/grpc", "te", "trailers"));
                if (c.encoding() != null) {
                    headers.addAll(List.of("grpc-encoding", c.encoding()));
                }
                h2.headers(1, false, "POST", "/gatehouse.test.Echo/Say", "127.0.0.1:" + port,
                        headers.toArray(String[]::new));
                h2.data(1, true, c.body());
                h2.flush();
                Map<String, String> fields = answer(h2);
                assertEquals("200", fields.get(":status"), c.name());
                assertEquals(Integer.toString(c.status()), fields.get("grpc-status"), c.name() + ": " + fields);
                assertNotNull(fields.get("grpc-message"), c.name());
            }
        }
        assertEquals(List.of(), proxy.server.received, "a message of a broken request reached the server");
    }

    @Test
    void requestsRefusedForTheirHeadOrCodecGetAGrpcStatusAndReachNobody() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        int port = proxy.gateway.gateway().port();
        byte[] message = GrpcFrames.frame(0, SayRequest.newBuilder().setName("never").build().toByteArray());
        // a path over the request line limit (414 for HTTP): INVALID_ARGUMENT, as the gateway's refusals map
        try (RawHttp2 h2 = RawHttp2.connect(port)) {
            h2.headers(1, false, "POST", "/gatehouse.test.Echo/" + "A".repeat(9000), "127.0.0.1:" + port,
                    "content-type", "application/grpc", "te", "trailers");
            h2.data(1, true, message).flush();
            Map<String, String> fields = answer(h2);
            assertEquals("200", fields.get(":status"), fields.toString());
            assertEquals("3", fields.get("grpc-status"), fields.toString());
            assertEquals("application/grpc", fields.get("content-type"), fields.toString());
        }
        // a codec grpc-java cannot label for the upstream: refused, not passed on as protobuf
        try (RawHttp2 h2 = RawHttp2.connect(port)) {
            h2.headers(1, false, "POST", "/gatehouse.test.Echo/Say", "127.0.0.1:" + port,
                    "content-type", "application/grpc+json", "te", "trailers");
            h2.data(1, true, GrpcFrames.frame(0, "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8))).flush();
            Map<String, String> fields = answer(h2);
            assertEquals("12", fields.get("grpc-status"), fields.toString());
        }
        assertEquals(List.of(), proxy.server.received, "a refused request reached the server");
        assertEquals(0, proxy.server.calls.get());
    }

    @Test
    void aGrpcRequestOverHttp1IsRefusedRatherThanAnsweredWithoutItsStatus() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(java.net.http.HttpRequest.newBuilder(proxy.gateway.uri("/gatehouse.test.Echo/Say"))
                        .header("Content-Type", "application/grpc")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(GrpcFrames.frame(0,
                                SayRequest.newBuilder().setName("h1").build().toByteArray())))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(505, response.statusCode(), response.body());
        assertTrue(response.body().contains("gRPC needs HTTP/2"), response.body());
        assertEquals(0, proxy.server.calls.get(), "the upstream was not called");
    }

    @Test
    void grpcWebWorksOverHttp2WithItsTrailersInTheBody() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        int port = proxy.gateway.gateway().port();
        try (RawHttp2 h2 = RawHttp2.connect(port)) {
            h2.headers(1, false, "POST", "/gatehouse.test.Echo/Say", "127.0.0.1:" + port,
                    "content-type", "application/grpc-web+proto", "x-grpc-web", "1");
            h2.data(1, true, GrpcFrames.frame(0, SayRequest.newBuilder().setName("h2").build().toByteArray()));
            h2.flush();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            Map<String, String> fields = answer(h2, body);
            assertEquals("application/grpc-web+proto", fields.get("content-type"));
            assertEquals(null, fields.get("grpc-status"), "no HTTP/2 trailers for gRPC-Web: " + fields);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(body.toByteArray()));
            assertEquals(0, in.readByte());
            byte[] message = new byte[in.readInt()];
            in.readFully(message);
            assertEquals("hello h2", SayReply.parseFrom(message).getMessage());
            assertEquals(0x80, in.readByte() & 0xFF);
            byte[] trailers = new byte[in.readInt()];
            in.readFully(trailers);
            assertTrue(new String(trailers, StandardCharsets.ISO_8859_1).startsWith("grpc-status: 0\r\n"));
            assertEquals(-1, in.read());
        }
    }

    private static Map<String, String> answer(RawHttp2 h2) throws Exception {
        return answer(h2, new ByteArrayOutputStream());
    }

    /** Reads stream 1 until its end: every field of its HEADERS frames (headers, trailers), its DATA to body. */
    private static Map<String, String> answer(RawHttp2 h2, ByteArrayOutputStream body) throws Exception {
        DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
        Map<String, String> fields = new HashMap<>();
        for (RawHttp2.Frame frame; (frame = h2.read()) != null; ) {
            if (frame.streamId() != 1) {
                continue;
            }
            if (frame.type() == RawHttp2.HEADERS) {
                assertTrue((frame.flags() & RawHttp2.END_HEADERS) != 0, "CONTINUATION frames are not expected");
                Http2Headers block = decoder.decodeHeaders(1, Unpooled.wrappedBuffer(payload(frame)));
                block.forEach(field -> fields.put(field.getKey().toString(), field.getValue().toString()));
            }
            if (frame.type() == RawHttp2.DATA) {
                body.writeBytes(frame.payload());
            }
            if ((frame.flags() & RawHttp2.END_STREAM) != 0 || frame.type() == RawHttp2.RST_STREAM) {
                return fields;
            }
        }
        throw new AssertionError("the connection ended before the stream: " + fields);
    }

    /** The header block of a HEADERS frame, without padding and priority. */
    private static byte[] payload(RawHttp2.Frame frame) {
        byte[] payload = frame.payload();
        int start = 0;
        int end = payload.length;
        if ((frame.flags() & 0x8) != 0) { // PADDED
            start = 1;
            end -= payload[0] & 0xFF;
        }
        if ((frame.flags() & 0x20) != 0) { // PRIORITY
            start += 5;
        }
        return Arrays.copyOfRange(payload, start, end);
    }
}
