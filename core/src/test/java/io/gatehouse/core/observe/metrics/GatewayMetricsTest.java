package io.gatehouse.core.observe.metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayMetricsTest {

    private final GatewayMetrics metrics = new GatewayMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void gatewayWideMetersFollowTheirSources() {
        AtomicInteger open = new AtomicInteger(3);
        Map<String, Long> plugins = new HashMap<>(Map.of("started", 2L, "failed", 1L));
        metrics.openConnections(open::get);
        metrics.generation(() -> 7);
        metrics.plugins(() -> Map.copyOf(plugins));
        metrics.reloaded(true);
        metrics.reloaded(false);
        metrics.reloaded(false);
        metrics.scriptFailed("a.js", false);
        metrics.scriptFailed("a.js", false);
        metrics.scriptFailed("a.js", true);
        open.set(5);
        plugins.put("failed", 0L);
        String text = metrics.scrape(null).text();
        for (String line : new String[] {"gatehouse_open_connections 5.0", "gatehouse_config_generation 7.0",
            "gatehouse_plugins{state=\"started\"} 2.0", "gatehouse_plugins{state=\"failed\"} 0.0",
            "gatehouse_config_reloads_total{result=\"applied\"} 1.0",
            "gatehouse_config_reloads_total{result=\"rejected\"} 2.0",
            "gatehouse_script_errors_total{script=\"a.js\"} 2.0",
            "gatehouse_script_timeouts_total{script=\"a.js\"} 1.0"}) {
            assertTrue(text.contains(line + "\n"), line + " in:\n" + text);
        }
    }

    @Test
    void prometheusTextUnlessOpenMetricsIsAskedFor() {
        assertEquals(GatewayMetrics.TEXT_004, metrics.scrape(null).contentType());
        assertEquals(GatewayMetrics.TEXT_004, metrics.scrape("*/*").contentType());
        assertEquals(GatewayMetrics.TEXT_004, metrics.scrape("text/plain;version=0.0.4").contentType());
        assertEquals(GatewayMetrics.TEXT_004, metrics.scrape("application/vnd.google.protobuf").contentType(),
                "no protobuf: text only");
        GatewayMetrics.Scrape open = metrics.scrape(
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertEquals(GatewayMetrics.OPENMETRICS, open.contentType());
        assertTrue(open.text().endsWith("# EOF\n"));
    }
}
