package io.gatehouse.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebSocketConfigTest {

    @Test
    void defaults() {
        WebSocketConfig config = new WebSocketConfig(null, null, null, null, null, null);
        assertEquals(true, config.enabled());
        assertEquals(List.of(), config.allowedOrigins());
        assertEquals(1024 * 1024, config.maxMessageSize().bytes());
        assertEquals(Duration.ofMinutes(5), config.idleTimeout());
        assertEquals(1000, config.maxConnections());
        assertEquals(Duration.ofMinutes(10), config.drainTimeout());
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        WebSocketConfig config = new WebSocketConfig(true, List.of("https://ok.example.com", "app.example.com",
                "https://a.*.example.com", "https://x.example.com/path", "ftp://x.example.com"), new ByteSize(0),
                Duration.ZERO, 0, Duration.ofSeconds(-1));
        List<String> problems = WebSocketConfig.problems(config, "routes[0].websocket").stream()
                .map(Problem::toString).toList();
        assertEquals(8, problems.size(), problems.toString());
        assertEquals("routes[0].websocket.allowed_origins[1]: 'app.example.com' is not an origin (scheme must be "
                + "http or https); write scheme://host[:port], e.g. https://app.example.com", problems.get(0));
        assertEquals("routes[0].websocket.max_connections: must be at least 1, got 0", problems.get(5));
    }
}
