package io.gatehouse.core.proxy;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Identity headers ({@code X-Real-IP}, {@code True-Client-IP}, ...) between a client on 127.0.0.1 and an upstream
 * that records exactly what it received, once with the client untrusted and once with it as a trusted proxy.
 */
class IdentityHeadersIT {

    /** One forged line per default identity header, in odd cases, X-Real-IP and X-Client-IP twice. */
    private static final String FORGED = """
            X-Real-IP: 6.6.6.6\r
            x-real-ip: 7.7.7.7\r
            x-forwarded-port: 8443\r
            X-Forwarded-Prefix: /evil\r
            TRUE-CLIENT-IP: 6.6.6.6\r
            CF-Connecting-IP: 6.6.6.6\r
            X-Client-IP: 6.6.6.6\r
            X-CLIENT-IP: 7.7.7.7\r
            X-Cluster-Client-IP: 6.6.6.6\r
            Fastly-Client-IP: 6.6.6.6\r
            X-Original-Forwarded-For: 6.6.6.6\r
            """;
    /** What a trusted proxy's FORGED lines look like upstream, but X-Real-IP; names lower-cased (case is no part). */
    private static final List<String> PASSED_AS_SENT = List.of("x-forwarded-port: 8443",
            "x-forwarded-prefix: /evil", "true-client-ip: 6.6.6.6", "cf-connecting-ip: 6.6.6.6",
            "x-client-ip: 6.6.6.6", "x-client-ip: 7.7.7.7", "x-cluster-client-ip: 6.6.6.6",
            "fastly-client-ip: 6.6.6.6", "x-original-forwarded-for: 6.6.6.6");

    private static RawUpstream upstream;
    private static GatewayFixture untrusting;
    private static GatewayFixture trusting;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("ok"));
        String routes = """
                upstreams:
                  raw: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: all, match: { path: /*rest }, upstream: raw }
                """.formatted(upstream.url());
        untrusting = GatewayFixture.start(routes);
        trusting = GatewayFixture.start("server: { host: 127.0.0.1, port: 0, trusted_proxies: [127.0.0.1] }\n"
                + routes);
    }

    @AfterAll
    static void stop() {
        untrusting.close();
        trusting.close();
        upstream.close();
    }

    @Test
    void theGatewayWritesXRealIpItselfAndDropsTheClients() throws IOException {
        RawUpstream.Received received = send(untrusting, FORGED);
        assertEquals(List.of("X-Real-IP: 127.0.0.1"), received.headerLines("X-Real-IP"));
    }

    @Test
    void anUntrustedPeersIdentityHeadersNeverReachTheUpstream() throws IOException {
        RawUpstream.Received received = send(untrusting, FORGED + "X-Custom: kept\r\n");
        for (String name : List.of("X-Forwarded-Port", "X-Forwarded-Prefix", "True-Client-IP", "CF-Connecting-IP",
                "X-Client-IP", "X-Cluster-Client-IP", "Fastly-Client-IP", "X-Original-Forwarded-For")) {
            assertEquals(List.of(), received.headerLines(name), name + " in " + received.head());
        }
        assertEquals(List.of("X-Real-IP: 127.0.0.1"), received.headerLines("X-Real-IP"));
        assertEquals(List.of("X-Custom: kept"), received.headerLines("X-Custom"), "other headers pass");
    }

    @Test
    void theUnderscoreSpellingOfAnIdentityHeaderIsRemovedToo() throws IOException {
        // CGI, PHP and WSGI servers read X_Real_IP and X-Real-IP as one variable, HTTP_X_REAL_IP
        RawUpstream.Received received = send(untrusting, "X_Real_IP: 6.6.6.6\r\nTrue_Client_IP: 6.6.6.6\r\n"
                + "X_Custom: kept\r\n");
        assertEquals(List.of(), received.headerLines("X_Real_IP"));
        assertEquals(List.of(), received.headerLines("True_Client_IP"));
        assertEquals(List.of("X_Custom: kept"), received.headerLines("X_Custom"));
    }

    @Test
    void aTrustedProxysIdentityHeadersPassAsSent() throws IOException {
        RawUpstream.Received received = send(trusting, FORGED + "X-Forwarded-For: 198.51.100.7\r\n");
        List<String> identity = PASSED_AS_SENT.stream()
                .map(line -> line.substring(0, line.indexOf(':')))
                .distinct()
                .flatMap(name -> received.headerLines(name).stream())
                .map(line -> line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT)
                        + line.substring(line.indexOf(':')))
                .toList();
        assertEquals(PASSED_AS_SENT, identity);
        assertEquals(List.of("X-Real-IP: 198.51.100.7"), received.headerLines("X-Real-IP"),
                "X-Real-IP is the client behind the trusted proxy, as X-Forwarded-For names it");
    }

    /** Sends a GET with extra header lines and returns what the upstream received for it. */
    private static RawUpstream.Received send(GatewayFixture gateway, String headerLines) throws IOException {
        int before = upstream.received().size();
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawClient.RawResponse response = client.send("GET /who HTTP/1.1\r\nHost: gateway.test\r\n"
                    + headerLines + "Connection: close\r\n\r\n").read();
            assertEquals(200, response.status(), response.bodyText());
        }
        List<RawUpstream.Received> received = upstream.received();
        assertEquals(before + 1, received.size());
        return received.getLast();
    }

}
