package io.gatehouse.core.server;

import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An open admin API (loopback, no token) against a browser's requests, over a raw socket: a rebound host name and
 * another site's page get 403 and change nothing; curl-like requests and the dashboard's own keep working.
 */
class AdminBrowserGuardIT {

    private static Backend backend;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start(routing -> routing.any((req, res) -> res.send("ok")));
        gateway = GatewayFixture.start("""
                routes:
                  - id: r
                    match: { path: /r }
                    upstream: u
                upstreams:
                  u: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                """.formatted(backend.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    private static RawClient.RawResponse send(String method, String host, String extraHeaders) throws IOException {
        try (RawClient client = RawClient.connect(gateway.gateway().adminPort())) {
            return client.send(method + " /config/status HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").read();
        }
    }

    private static RawClient.RawResponse reload(String host, String extraHeaders) throws IOException {
        try (RawClient client = RawClient.connect(gateway.gateway().adminPort())) {
            return client.send("POST /reload HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").read();
        }
    }

    private static int historySize() throws IOException {
        String body = send("GET", "127.0.0.1", "").bodyText();
        return body.split("\"source\"", -1).length - 1;
    }

    @Test
    void aReboundHostNameReadsNothing() throws IOException {
        RawClient.RawResponse response = send("GET", "attacker.example:" + gateway.gateway().adminPort(), "");
        assertEquals(403, response.status());
        assertTrue(response.bodyText().contains("cross_origin_refused"), response.bodyText());
        assertTrue(!response.bodyText().contains("generation"), "no data: " + response.bodyText());
    }

    @Test
    void anotherSitesPageCannotReload() throws IOException {
        int before = historySize();
        assertEquals(403, reload("127.0.0.1:" + gateway.gateway().adminPort(),
                "Origin: http://attacker.example\r\nSec-Fetch-Site: cross-site\r\n").status());
        assertEquals(403, reload("127.0.0.1:" + gateway.gateway().adminPort(), "Origin: null\r\n").status());
        assertEquals(before, historySize(), "no reload happened");
    }

    @Test
    void curlAndTheDashboardItselfStillWork() throws IOException {
        int before = historySize();
        assertEquals(200, reload("127.0.0.1:" + gateway.gateway().adminPort(), "").status());
        String self = "127.0.0.1:" + gateway.gateway().adminPort();
        assertEquals(200, reload(self, "Origin: http://" + self + "\r\nSec-Fetch-Site: same-origin\r\n").status());
        assertEquals(200, send("GET", "localhost:" + gateway.gateway().adminPort(), "").status());
        assertEquals(before + 2, historySize(), "both reloads happened");
    }
}
