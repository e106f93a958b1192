package io.gatehouse.core.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reload that leaves an upstream's config alone carries the upstream over whole: what it learned about its
 * endpoints' health and the connections it holds. Each test waits for the reload to be live (its new route answers)
 * before it looks.
 */
class UpstreamCarryOverIT {

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private GatewayFixture gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    private RawUpstream upstream(RawUpstream.Reply reply) throws Exception {
        RawUpstream upstream = RawUpstream.start(request -> reply);
        cleanup.add(upstream);
        return upstream;
    }

    @Test
    void anEjectedEndpointStaysEjectedAcrossAnUnrelatedReload() throws Exception {
        RawUpstream good = upstream(RawUpstream.Reply.ok("good"));
        RawUpstream bad = upstream(RawUpstream.Reply.of("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\n\r\nbad"));
        String config = """
                upstreams:
                  pair:
                    discovery: { type: static, endpoints: [ { url: "%s" }, { url: "%s" } ] }
                    retries: 0
                    health: { passive: { consecutive_failures: 1, ejection_time: 10m } }
                routes:
                  - { id: pair, match: { path: /pair }, upstream: pair }
                """.formatted(good.url(), bad.url());
        gateway = GatewayFixture.start(config);
        for (int i = 0; i < 2; i++) {
            gateway.get("/pair");
        }
        assertEquals(1, bad.received().size(), "round robin reached the bad endpoint once");
        assertEquals("ejected", state(bad.url()));

        reloadAddingRoute(config, good.url());

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = gateway.get("/pair");
            assertEquals(200, response.statusCode(), response.body());
        }
        assertEquals(1, bad.received().size(), "the ejected endpoint got no request after the reload");
        assertEquals("ejected", state(bad.url()));
    }

    @Test
    void theSameKeepAliveConnectionServesAcrossAnUnrelatedReload() throws Exception {
        RawUpstream upstream = upstream(RawUpstream.Reply.ok("kept"));
        String config = """
                upstreams:
                  one: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: one, match: { path: /one }, upstream: one }
                """.formatted(upstream.url());
        gateway = GatewayFixture.start(config);
        assertEquals("kept", gateway.get("/one").body());

        RawUpstream other = upstream(RawUpstream.Reply.ok("other"));
        reloadAddingRoute(config, other.url());

        assertEquals("kept", gateway.get("/one").body());
        assertEquals(1, upstream.connections(), "no new connection after the reload");
        assertEquals(List.of(0, 0), upstream.received().stream().map(RawUpstream.Received::connection).toList());
        assertTrue(!upstream.closed(0), "the carried connection is still open");
    }

    /** Reloads with {@code config} plus an upstream and route {@code /added}, and waits until that answers. */
    private void reloadAddingRoute(String config, String url) throws Exception {
        Gateway.ReloadStatus status = gateway.reload(config.replace("routes:\n", """
                  added: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: added, match: { path: /added }, upstream: added }
                """.formatted(url)));
        assertEquals(List.of(), status.problems());
        assertEquals(200, gateway.get("/added").statusCode());
    }

    private String state(String url) throws Exception {
        JsonNode upstreams = new ObjectMapper().readTree(gateway.admin("/upstreams").body()).get("upstreams");
        for (JsonNode upstream : upstreams) {
            for (JsonNode endpoint : upstream.get("endpoints")) {
                if (endpoint.get("url").asText().equals(url)) {
                    return endpoint.get("health").get("state").asText();
                }
            }
        }
        throw new AssertionError(url + " is not in /upstreams");
    }
}
