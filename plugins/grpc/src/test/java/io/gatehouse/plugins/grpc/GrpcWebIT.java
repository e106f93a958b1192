package io.gatehouse.plugins.grpc;

import io.gatehouse.plugins.grpc.test.CountReply;
import io.gatehouse.plugins.grpc.test.CountRequest;
import io.gatehouse.plugins.grpc.test.FailRequest;
import io.gatehouse.plugins.grpc.test.SayReply;
import io.gatehouse.plugins.grpc.test.SayRequest;
import io.gatehouse.plugins.grpc.test.SlowRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: gRPC-Web calls framed by hand (as the gRPC-Web protocol says) over HTTP/1.1, binary and base64 text,
 * through a real gateway running the examples of {@code docs/grpc.md} to a real grpc-java server; CORS with
 * the {@code cors} filter in front; and requests that break the framing, which must end with a clean gRPC status and
 * deliver nothing to the server.
 */
class GrpcWebIT extends ProxyTest {

    private static final String BINARY = "application/grpc-web+proto";
    private static final String TEXT = "application/grpc-web-text";
    private static final String ORIGIN = "https://app.example.com";

    /** A gRPC-Web response, its body decoded: the message frames and the trailer frame's fields. */
    record WebResponse(HttpResponse<byte[]> http, List<byte[]> messages, Map<String, String> trailers) {
        String header(String name) {
            return http.headers().firstValue(name).orElse(null);
        }
    }

    private static WebResponse call(ProxyFixture proxy, String method, String contentType, byte[] body,
                                    String... headers) throws Exception {
        byte[] sent = contentType.startsWith(TEXT) ? Base64.getEncoder().encode(body) : body;
        return post(proxy, method, contentType, sent, headers);
    }

    private static WebResponse post(ProxyFixture proxy, String method, String contentType, byte[] sent,
                                    String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.gateway.uri("/gatehouse.test.Echo/" + method))
                .header("Content-Type", contentType).header("X-Grpc-Web", "1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sent));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> response = proxy.gateway.client().send(request.build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(contentType, response.headers().firstValue("content-type").orElse(null));
        InputStream in = new ByteArrayInputStream(response.body());
        if (contentType.startsWith(TEXT)) {
            in = GrpcWebCodec.decodingText(in);
        }
        List<byte[]> messages = new ArrayList<>();
        Map<String, String> trailers = null;
        for (int flags; (flags = in.read()) >= 0; ) {
            assertTrue(trailers == null, "a frame after the trailer frame");
            byte[] prefix = in.readNBytes(4);
            int length = ((prefix[0] & 0xFF) << 24) | ((prefix[1] & 0xFF) << 16) | ((prefix[2] & 0xFF) << 8)
                    | (prefix[3] & 0xFF);
            byte[] payload = in.readNBytes(length);
            assertEquals(length, payload.length, "a frame cut short");
            if (flags == 0x80) {
                trailers = new LinkedHashMap<>();
                for (String line : new String(payload, StandardCharsets.ISO_8859_1).split("\r\n")) {
                    int colon = line.indexOf(':');
                    assertEquals(line.substring(0, colon).toLowerCase(), line.substring(0, colon));
                    trailers.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            } else {
                assertEquals(0, flags);
                messages.add(payload);
            }
        }
        assertTrue(trailers != null, "no trailer frame");
        return new WebResponse(response, messages, trailers);
    }

    private static byte[] frame(com.google.protobuf.Message message) {
        return GrpcFrames.frame(0, message.toByteArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {BINARY, TEXT, "application/grpc-web", "application/grpc-web-text+proto"})
    void aUnaryCallGetsItsMessageAndATrailerFrame(String contentType) throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        WebResponse response = call(proxy, "Say", contentType, frame(SayRequest.newBuilder().setName("web").build()));
        assertEquals(1, response.messages().size());
        assertEquals("hello web", SayReply.parseFrom(response.messages().getFirst()).getMessage());
        assertEquals("0", response.trailers().get("grpc-status"));
        assertEquals("t", response.trailers().get("x-echo-trailer"));
        assertEquals("h", response.header("x-echo-header"));
        assertEquals(List.of(SayRequest.newBuilder().setName("web").build()), proxy.server.received);
    }

    @ParameterizedTest
    @ValueSource(strings = {BINARY, TEXT})
    void aServerStreamingCallGetsEveryMessage(String contentType) throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        WebResponse response = call(proxy, "Count", contentType,
                frame(CountRequest.newBuilder().setCount(4).setIntervalMs(10).build()));
        List<Integer> seen = new ArrayList<>();
        for (byte[] message : response.messages()) {
            seen.add(CountReply.parseFrom(message).getN());
        }
        assertEquals(List.of(1, 2, 3, 4), seen);
        assertEquals("0", response.trailers().get("grpc-status"));
    }

    @ParameterizedTest
    @ValueSource(strings = {BINARY, TEXT})
    void largeMessagesPassWhole(String contentType) throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        String name = "y".repeat(600 * 1024);
        WebResponse response = call(proxy, "Say", contentType, frame(SayRequest.newBuilder().setName(name)
                .setTimes(2).build()));
        assertEquals("hello " + name + " hello " + name, SayReply.parseFrom(response.messages().getFirst())
                .getMessage());
        assertEquals("0", response.trailers().get("grpc-status"));
    }

    @Test
    void aTextRequestInSeveralPaddedPiecesIsDecoded() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        byte[] message = frame(SayRequest.newBuilder().setName("pieces").build());
        int cut = 4; // not a multiple of 3: the first piece ends in padding
        String text = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(message, cut))
                + Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(message, cut, message.length));
        assertTrue(text.indexOf('=') < text.length() - 2, text);
        WebResponse response = post(proxy, "Say", TEXT, text.getBytes(StandardCharsets.US_ASCII));
        assertEquals("hello pieces", SayReply.parseFrom(response.messages().getFirst()).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {BINARY, TEXT})
    void anErrorArrivesInTheTrailerFrameAndTheHeaders(String contentType) throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        WebResponse response = call(proxy, "Fail", contentType,
                frame(FailRequest.newBuilder().setCode(5).setMessage("no such order: 100% gone").build()));
        assertEquals(List.of(), response.messages());
        assertEquals("5", response.trailers().get("grpc-status"));
        assertEquals("no such order: 100%25 gone", response.trailers().get("grpc-message"));
        assertTrue(response.trailers().containsKey("grpc-status-details-bin"), response.trailers().toString());
        com.google.rpc.Status details = com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(
                response.trailers().get("grpc-status-details-bin")));
        assertEquals(5, details.getCode());
        // trailers-only: browsers look in the headers when there is no message
        assertEquals("5", response.header("grpc-status"));
        assertEquals("no such order: 100%25 gone", response.header("grpc-message"));
    }

    @Test
    void theClientsGrpcTimeoutIsTheCallsDeadline() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        WebResponse response = call(proxy, "Slow", BINARY, frame(SlowRequest.newBuilder().setDelayMs(10_000).build()),
                "grpc-timeout", "300m");
        assertEquals("4", response.trailers().get("grpc-status"));
        assertEquals("the call's deadline passed before the upstream answered", response.trailers().get("grpc-message"));
        ProxyFixture.await("the server sees the call cancelled", () -> proxy.server.cancelled.get() == 1);
    }

    @Test
    void corsInFrontAnswersThePreflightAndExposesTheStatus() throws Exception {
        ProxyFixture proxy = proxy("grpc-web-cors");
        HttpResponse<String> preflight = proxy.gateway.client().send(HttpRequest.newBuilder(
                        proxy.gateway.uri("/gatehouse.test.Echo/Fail"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent,grpc-timeout")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode(), preflight.body());
        assertEquals(ORIGIN, preflight.headers().firstValue("access-control-allow-origin").orElse(null));
        assertTrue(preflight.headers().firstValue("access-control-allow-headers").orElse("")
                .toLowerCase().contains("x-grpc-web"));
        assertEquals(0, proxy.server.calls.get(), "the preflight reached the server");

        WebResponse response = call(proxy, "Fail", TEXT,
                frame(FailRequest.newBuilder().setCode(7).setMessage("denied").build()),
                "Origin", ORIGIN, "X-User-Agent", "grpc-web-javascript/0.1", "grpc-timeout", "5S");
        assertEquals(ORIGIN, response.header("access-control-allow-origin"));
        String exposed = response.header("access-control-expose-headers").toLowerCase();
        assertTrue(exposed.contains("grpc-status") && exposed.contains("grpc-message"), exposed);
        assertEquals("7", response.header("grpc-status"));
        assertEquals("7", response.trailers().get("grpc-status"));
        assertEquals("grpc-web-javascript/0.1", proxy.server.metadata.getLast().get(
                io.grpc.Metadata.Key.of("x-user-agent", io.grpc.Metadata.ASCII_STRING_MARSHALLER)));
    }

    record Attack(String name, String contentType, byte[] body, String[] headers, int status) {
    }

    static List<Attack> attacks() {
        byte[] good = frame(SayRequest.newBuilder().setName("never").build());
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 2);
        byte[] huge = {0, 0x00, 0x50, 0x00, 0x00, 1, 2, 3}; // declares 5 MiB, over the 4 MiB default
        byte[] compressed = good.clone();
        compressed[0] = 1;
        return List.of(
                new Attack("a frame cut short", BINARY, truncated, new String[0], 13),
                new Attack("a frame cut in its prefix", BINARY, new byte[]{0, 0, 0}, new String[0], 13),
                new Attack("a frame longer than max_message_size", BINARY, huge, new String[0], 8),
                new Attack("invalid base64", TEXT, "AAAA*AAA".getBytes(StandardCharsets.US_ASCII), new String[0], 13),
                new Attack("base64 cut inside a group", TEXT, "AAAAAAA".getBytes(StandardCharsets.US_ASCII),
                        new String[0], 13),
                new Attack("compressed, with an unknown grpc-encoding", BINARY, compressed,
                        new String[]{"grpc-encoding", "snappy"}, 12),
                new Attack("compressed, without grpc-encoding", BINARY, compressed, new String[0], 13),
                new Attack("gzip that does not inflate", BINARY, compressed, new String[]{"grpc-encoding", "gzip"},
                        13),
                new Attack("a good frame, then garbage", BINARY, concat(good, new byte[]{(byte) 0x7F}),
                        new String[0], 13));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    @Test
    void requestsThatBreakTheFramingEndWithAStatusAndDeliverNothing() throws Exception {
        ProxyFixture proxy = proxy("grpc-native");
        for (Attack attack : attacks()) {
            WebResponse response = post(proxy, "Say", attack.contentType(), attack.body(), attack.headers());
            assertEquals(Integer.toString(attack.status()), response.trailers().get("grpc-status"), attack.name());
            assertEquals(List.of(), response.messages(), attack.name());
            assertFalse(response.trailers().getOrDefault("grpc-message", "").isEmpty(), attack.name());
        }
        assertEquals(List.of(), proxy.server.received, "a message of a broken request reached the server");
        // and the gateway still serves
        WebResponse fine = call(proxy, "Say", BINARY, frame(SayRequest.newBuilder().setName("after").build()));
        assertEquals("hello after", SayReply.parseFrom(fine.messages().getFirst()).getMessage());
    }
}
