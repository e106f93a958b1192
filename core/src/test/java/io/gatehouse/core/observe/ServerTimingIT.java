package io.gatehouse.core.observe;

import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code server_timing: true} on a route, from docs/observability.md: on that route only, measured to the head. */
class ServerTimingIT {

    private static final Pattern OURS = Pattern.compile(
            "consumer_headers;dur=[0-9.]+, request_id;dur=[0-9.]+, strip_prefix;dur=[0-9.]+, "
                    + "upstream;dur=[0-9.]+, total;dur=[0-9.]+");

    private static Backend backend;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start(routing -> routing
                .get("/item", (req, res) -> res.header("Server-Timing", "db;dur=5").send("item"))
                .get("/plain", (req, res) -> res.send("plain"))
                .get("/echo-timing", (req, res) -> res.send(req.headers().first(
                        io.helidon.http.HeaderNames.create("Server-Timing")).orElse("none"))));
        gateway = GatewayFixture.start(DocExample.yaml("docs/observability.md", "server-timing")
                .replace("http://127.0.0.1:8081", backend.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        try (AutoCloseable last = backend; AutoCloseable first = gateway) {
            // closed in reverse order; null ones are skipped
        }
    }

    @Test
    void eachFilterTheUpstreamAndTheTotalOnTheOptedInRoute() throws Exception {
        HttpResponse<String> response = gateway.get("/catalog/plain");
        assertEquals(200, response.statusCode());
        List<String> timing = response.headers().allValues("Server-Timing");
        assertEquals(1, timing.size(), timing.toString());
        assertTrue(OURS.matcher(timing.getFirst()).matches(), timing.getFirst());
        double total = duration(timing.getFirst(), "total");
        double upstream = duration(timing.getFirst(), "upstream");
        assertTrue(upstream > 0 && upstream <= total, timing.getFirst());
    }

    @Test
    void theUpstreamsOwnServerTimingIsKeptAndOursAdded() throws Exception {
        List<String> timing = gateway.get("/catalog/item").headers().allValues("Server-Timing");
        assertEquals(2, timing.size(), timing.toString());
        assertEquals("db;dur=5", timing.get(0));
        assertTrue(OURS.matcher(timing.get(1)).matches(), timing.get(1));
    }

    @Test
    void noHeaderOnARouteWithoutTheOptIn() throws Exception {
        assertEquals(List.of(), gateway.get("/quiet/plain").headers().allValues("Server-Timing"));
        assertEquals(List.of("db;dur=5"), gateway.get("/quiet/item").headers().allValues("Server-Timing"),
                "the upstream's own passes untouched");
        assertEquals(List.of(), gateway.get("/nowhere").headers().allValues("Server-Timing"), "nor on a 404");
    }

    @Test
    void aServerTimingTheClientSendsChangesNothing() throws Exception {
        for (String sent : List.of("total;dur=0", "evil;dur=1, x;desc=\"<script>\"", "\u0000garbage", "")) {
            if (sent.indexOf('\u0000') >= 0) {
                continue; // the JDK client refuses control characters; the raw listener tests cover those
            }
            HttpResponse<String> timed = gateway.send("GET", "/catalog/plain", "Server-Timing", sent.isEmpty()
                    ? "-" : sent);
            List<String> timing = timed.headers().allValues("Server-Timing");
            assertEquals(1, timing.size(), timing.toString());
            assertTrue(OURS.matcher(timing.getFirst()).matches(), timing.getFirst());
            assertEquals(List.of(), gateway.send("GET", "/quiet/plain", "Server-Timing", "evil;dur=1").headers()
                    .allValues("Server-Timing"));
        }
        // forwarded like any request header: the gateway neither reads nor strips it
        assertEquals("evil;dur=1", gateway.send("GET", "/catalog/echo-timing", "Server-Timing", "evil;dur=1")
                .body());
    }

    @Test
    void aFailedUpstreamCallStillTellsItsTime() throws Exception {
        String dead;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            dead = "http://127.0.0.1:" + socket.getLocalPort();
        }
        try (GatewayFixture failing = GatewayFixture.start(DocExample.yaml("docs/observability.md", "server-timing")
                .replace("http://127.0.0.1:8081", dead))) {
            HttpResponse<String> response = failing.get("/catalog/plain");
            assertEquals(502, response.statusCode());
            String timing = response.headers().firstValue("Server-Timing").orElseThrow();
            assertTrue(OURS.matcher(timing).matches(), timing);
            assertEquals(List.of(), failing.get("/quiet/plain").headers().allValues("Server-Timing"));
        }
    }

    private static double duration(String header, String name) {
        var matcher = Pattern.compile("(?:^|, )" + name + ";dur=([0-9.]+)").matcher(header);
        assertTrue(matcher.find(), name + " in " + header);
        return Double.parseDouble(matcher.group(1));
    }
}
