package io.gatehouse.core.proxy;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HostileUpstreamIT}'s header questions for an HTTP/2 client (nghttp, h2c with prior knowledge): what bytes
 * an upstream's obs-text value becomes, and what length a HEAD answer declares.
 */
class HostileUpstreamH2IT {

    private static final String OK = "HTTP/1.1 200 OK\r\n";
    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> {
            String target = request.requestLine().split(" ")[1].split("\\?")[0]; // a query only makes a URI new
            return switch (target) {
                case "/latin1" -> RawUpstream.Reply.of(OK + "X-Latin: caf\u00e9\u00ff\r\nContent-Length: 2\r\n\r\nok");
                case "/symbols" -> RawUpstream.Reply.of(OK + "X-Sym: <>{}^~|`<>{}^~|`\r\nContent-Length: 2\r\n\r\nok");
                case "/idx-a" -> RawUpstream.Reply.of(OK + "X-Secret-A: alpha-secret-value\r\nContent-Length: 1\r\n\r\na");
                case "/idx-b" -> RawUpstream.Reply.of(OK + "X-Public-B: bravo\r\nContent-Length: 1\r\n\r\nb");
                case "/head-length" -> RawUpstream.Reply.of(OK + "Content-Length: 1234\r\n\r\n");
                case "/head-chunked" -> RawUpstream.Reply.of(OK + "Transfer-Encoding: chunked\r\n\r\n");
                default -> RawUpstream.Reply.ok("fallback");
            };
        });
        gateway = GatewayFixture.start("""
                server:
                  host: 127.0.0.1
                  port: 0
                  http2: { enabled: true }
                upstreams:
                  raw:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                routes:
                  - { id: all, match: { path: /*rest }, upstream: raw, timeout: 5s }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /**
     * An upstream value with obs-text (0x80-0xFF), which HTTP/1.1 clients get byte for byte, cannot be written by
     * Helidon 4.2's HPACK encoder (its Huffman code is longer than the value): the HTTP/2 client gets a 502 in the
     * gateway's words instead of a reset stream, and the connection goes on (review finding, HIGH).
     */
    @Test
    void obsTextAnHttp2ClientCannotGetIsA502AndTheConnectionGoesOn() throws Exception {
        String text = new String(nghttp("-v", url("/latin1"), url("/idx-b")), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(":status: 502"), text);
        assertTrue(text.contains("upstream_bad_response"), text);
        assertTrue(text.contains("x-public-b: bravo"), text);
        assertFalse(text.contains("recv GOAWAY"), text);
        assertFalse(text.contains("x-latin"), text);
    }

    /** Plain ASCII whose HPACK Huffman code is longer than the value itself: the same. */
    @Test
    void symbolDenseAsciiIsA502AndTheConnectionGoesOn() throws Exception {
        String text = new String(nghttp("-v", url("/symbols"), url("/idx-b")), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(":status: 502"), text);
        assertTrue(text.contains("x-public-b: bravo"), text);
        assertFalse(text.contains("recv GOAWAY"), text);
    }

    /** After responses that could not be encoded, the connection's HPACK state still agrees with the client's. */
    @Test
    void aRefusedHeaderBlockDoesNotDesynchroniseTheConnectionsHeaderTable() throws Exception {
        // nghttp fetches a URI once: a query makes the repeats distinct
        String text = new String(nghttp("-v", url("/idx-a"), url("/symbols"), url("/symbols?2"), url("/idx-b"),
                url("/idx-a?2"), url("/idx-b?2")), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("COMPRESSION_ERROR"), text);
        assertFalse(text.contains("recv GOAWAY"), text);
        assertEquals(2, text.lines().filter(l -> l.contains("x-public-b: bravo")).count(), text);
        assertEquals(2, text.lines().filter(l -> l.contains("x-secret-a: alpha-secret-value")).count(), text);
    }

    @Test
    void headOverHttp2KeepsTheLength() throws Exception {
        String text = new String(nghttp("-v", "-m", "1", "-H", ":method: HEAD", url("/head-length")),
                StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("content-length: 1234"), text);
        String chunked = new String(nghttp("-v", "-H", ":method: HEAD", url("/head-chunked")),
                StandardCharsets.ISO_8859_1);
        assertTrue(chunked.contains(":status: 200"), chunked);
        // Known limitation: the upstream serves it chunked, so no length should be declared, but Helidon 4.2's
        // HTTP/2 response sets content-length: 0 on every response without DATA (Http2ServerResponse.send and
        // commit), which the gateway cannot take back. Over HTTP/1 no length is sent (HostileUpstreamIT).
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + gateway.uri("/").getPort() + path;
    }

    private static byte[] nghttp(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("nghttp", "--no-dep", "-t", "20"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(output);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "nghttp ended");
        assertEquals(0, process.exitValue(), output.toString(StandardCharsets.ISO_8859_1));
        return output.toByteArray();
    }
}
