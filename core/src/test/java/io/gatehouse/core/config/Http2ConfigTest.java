package io.gatehouse.core.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code server.http2}: its defaults, the header list size that follows the listener's header limit, its checks. */
class Http2ConfigTest {

    @Test
    void defaultsFollowEnvoysEdgeGuidanceAndTheListenersHeaderLimit() throws ConfigException {
        ServerConfig server = ConfigLoader.parse("server: { limits: { max_header_size: 8KiB } }\n", "d.yaml",
                Map.of()).server();
        Http2Config http2 = server.http2();
        assertEquals(true, http2.enabled());
        assertEquals(100, http2.maxConcurrentStreams());
        assertEquals(64 * 1024, http2.initialWindowSize().bytes());
        assertEquals(16 * 1024, http2.maxFrameSize().bytes());
        assertEquals(100, http2.maxRapidResets());
        assertEquals(8 * 1024, http2.maxHeaderListSize(server.limits()));
        assertEquals(4 * 1024, ConfigLoader.parse("server: { http2: { max_header_list_size: 4KiB } }\n", "h.yaml",
                Map.of()).server().http2().maxHeaderListSize(server.limits()));
    }

    @Test
    void everyBadValueIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                server:
                  http2:
                    max_concurrent_streams: 0
                    max_header_list_size: 100B
                    initial_window_size: 2GiB
                    max_frame_size: 1KiB
                    max_rapid_resets: 0
                """, "b.yaml", Map.of()));
        assertEquals(List.of(
                "server.http2.max_concurrent_streams: must be at least 1, got 0",
                "server.http2.max_header_list_size: must be at least 1KiB",
                "server.http2.initial_window_size: must be between 1 byte and 2^31-1 bytes (RFC 9113 §6.5.2), "
                        + "got 2147483648",
                "server.http2.max_frame_size: must be between 16KiB and 16MiB-1 (RFC 9113 §6.5.2), got 1024",
                "server.http2.max_rapid_resets: must be at least 1, got 0"),
                e.problems().stream().map(Problem::toString).toList());
    }
}
