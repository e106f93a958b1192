package io.gatehouse.core.observe;

import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meters outlive config generations: counts go on, the generation and reloads are counted, gone endpoints go. */
class MetricsReloadIT {

    private Backend one;
    private Backend two;
    private GatewayFixture gateway;

    @AfterEach
    void stop() throws Exception {
        try (AutoCloseable b = two; AutoCloseable a = one; AutoCloseable g = gateway) {
            // closed in reverse order; null ones are skipped
        }
    }

    private String config(String... urls) {
        StringBuilder endpoints = new StringBuilder();
        for (String url : urls) {
            endpoints.append(endpoints.isEmpty() ? "" : ", ").append("{ url: \"").append(url).append("\" }");
        }
        return """
                upstreams:
                  app: { discovery: { type: static, endpoints: [ %s ] } }
                routes:
                  - { id: app, match: { path: /app }, upstream: app }
                """.formatted(endpoints);
    }

    private PrometheusText scrape() throws Exception {
        return PrometheusText.parse(gateway.admin("/metrics").body());
    }

    private void countedAtLeast(double requests) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (scrape().find("gatehouse_requests_total", "route", "app").stream().mapToDouble(s -> s.value()).sum()
                < requests) {
            assertTrue(System.nanoTime() < deadline, "requests not counted in time");
            Thread.sleep(20);
        }
    }

    @Test
    void countsGoOnAcrossReloadsAndGoneEndpointsAreDropped() throws Exception {
        one = Backend.start(routing -> routing.get("/app", (req, res) -> res.send("1")));
        two = Backend.start(routing -> routing.get("/app", (req, res) -> res.send("2")));
        gateway = GatewayFixture.start(config(one.url(), two.url()));
        for (int i = 0; i < 4; i++) {
            assertEquals(200, gateway.get("/app").statusCode());
        }
        countedAtLeast(4);
        PrometheusText before = scrape();
        double generation = before.value("gatehouse_config_generation");
        double applied = before.value("gatehouse_config_reloads_total", "result", "applied");
        assertEquals(gateway.gateway().lastReload().generation(), generation);
        assertEquals(1, before.value("gatehouse_upstream_endpoint_up", "upstream", "app", "endpoint", two.url()));
        assertEquals(2, before.value("gatehouse_upstream_requests_total", "endpoint", two.url(), "outcome",
                "success"));

        assertTrue(gateway.reload(config(one.url())).problems().isEmpty());
        assertEquals(200, gateway.get("/app").statusCode());
        countedAtLeast(5);
        PrometheusText after = scrape();
        assertEquals(generation + 1, after.value("gatehouse_config_generation"));
        assertEquals(applied + 1, after.value("gatehouse_config_reloads_total", "result", "applied"));
        assertEquals(5, after.value("gatehouse_requests_total", "route", "app", "method", "GET", "status_class",
                "2xx"), "the same series, counting on");
        for (String name : List.of("gatehouse_upstream_endpoint_up", "gatehouse_upstream_requests_total",
                "gatehouse_upstream_duration_seconds_count")) {
            assertEquals(List.of(), after.find(name, "endpoint", two.url()), name + " of the removed endpoint");
            assertEquals(1, after.find(name, "endpoint", one.url()).size(), name);
        }

        assertTrue(!gateway.reload("routes: [ { id: broken } ]\n").problems().isEmpty());
        PrometheusText refused = scrape();
        assertEquals(1, refused.value("gatehouse_config_reloads_total", "result", "rejected"));
        assertEquals(generation + 1, refused.value("gatehouse_config_generation"));
    }
}
