package io.gatehouse.core.websocket;

import io.gatehouse.core.config.WebSocketConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeTest {

    @Test
    void acceptIsRfc6455sExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void keysMustBeTheBase64Of16Bytes() {
        assertTrue(Handshake.validKey("dGhlIHNhbXBsZSBub25jZQ=="));
        assertFalse(Handshake.validKey("c2hvcnQ="));
        assertFalse(Handshake.validKey("dGhlIHNhbXBsZSBub25jZQ"));
        assertFalse(Handshake.validKey("!!!!!!!!!!!!!!!!!!!!!!=="));
        assertFalse(Handshake.validKey("dGhlIHNhbXBsZSBub25jZXNzc3M="));
    }

    @Test
    void originsDefaultToTheRequestsOwnHost() {
        WebSocketConfig defaults = new WebSocketConfig(null, null, null, null, null, null);
        assertTrue(Handshake.originAllowed("https://gw.example.com", defaults, "gw.example.com"));
        assertTrue(Handshake.originAllowed("http://gw.example.com:8080", defaults, "gw.example.com:8080"));
        assertTrue(Handshake.originAllowed("http://gw.example.com", defaults, "gw.example.com"), "any scheme");
        assertFalse(Handshake.originAllowed("https://gw.example.com:8443", defaults, "gw.example.com"));
        assertFalse(Handshake.originAllowed("https://gw.example.com.evil", defaults, "gw.example.com"));
        assertFalse(Handshake.originAllowed("https://evil.example", defaults, "gw.example.com"));
        assertFalse(Handshake.originAllowed("null", defaults, "gw.example.com"));
    }

    @Test
    void allowedOriginsMatchExactlyOrByWildcardLabel() {
        WebSocketConfig config = new WebSocketConfig(null, List.of("https://app.example.com",
                "https://*.example.org", "http://local.test:8080"), null, null, null, null);
        assertTrue(Handshake.originAllowed("https://APP.example.com", config, "gw"));
        assertTrue(Handshake.originAllowed("https://app.example.com:443", config, "gw"));
        assertFalse(Handshake.originAllowed("https://app.example.com:8443", config, "gw"));
        assertTrue(Handshake.originAllowed("https://a.b.example.org", config, "gw"));
        assertFalse(Handshake.originAllowed("https://example.org", config, "gw"));
        assertFalse(Handshake.originAllowed("https://evilexample.org", config, "gw"));
        assertFalse(Handshake.originAllowed("http://x.example.org", config, "gw"));
        assertTrue(Handshake.originAllowed("http://local.test:8080", config, "gw"));
        assertFalse(Handshake.originAllowed("https://gw", config, "gw"), "a list replaces the default");
        WebSocketConfig any = new WebSocketConfig(null, List.of("*"), null, null, null, null);
        assertTrue(Handshake.originAllowed("null", any, "gw"));
    }
}
