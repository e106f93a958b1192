package io.gatehouse.core.chain;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import io.gatehouse.core.testing.plugins.FaultPlugins;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's share of authentication, with {@code filter.test_auth} (a test plugin) as the authentication filter:
 * the gate after a route's last authenticating filter, the consumer headers it sets for the upstream, the removal of
 * the ones a client sends, several authentication filters on one route, the anonymous consumer, and the consumer as
 * scripts and the access log see it. Every case checks what the client got and what the upstream received.
 */
class AuthenticationIT {

    private static RawUpstream upstream;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = RawUpstream.start(request -> RawUpstream.Reply.ok("from upstream"));
        Path home = FaultPlugins.home();
        Files.createDirectories(home.resolve("scripts"));
        Files.writeString(home.resolve("scripts/who.js"), """
                export function filter(exchange, chain) {
                    const c = exchange.consumer;
                    exchange.request.headers.set('X-Script-Saw', c === null ? 'nobody'
                        : c.id + '/' + c.credential + '/' + c.groups.join('+') + '/' + (c.attributes.via ?? '-'));
                    if (exchange.request.headers.get('X-Rename') !== null) {
                        exchange.consumer = { id: exchange.request.headers.get('X-Rename'), groups: ['scripted'] };
                    }
                    return chain.proceed(exchange);
                }
                """);
        gateway = GatewayFixture.start(home, """
                upstreams:
                  up: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - id: one
                    match: { path: /one }
                    upstream: up
                    filters:
                      - test_auth: { header: X-Key-A, groups: [staff, ops], forward: X-Forwarded-User }
                      - script: { file: who.js, timeout: 5s }
                  - id: two
                    match: { path: /two }
                    upstream: up
                    filters:
                      - test_auth: { header: X-Key-A }
                      - test_auth: { header: X-Key-B, anonymous: guest }
                      - script: { file: who.js, timeout: 5s }
                  - id: both-required-none
                    match: { path: /either }
                    upstream: up
                    filters:
                      - test_auth: { header: X-Key-A }
                      - test_auth: { header: X-Key-B }
                  - { id: lazy, match: { path: /lazy }, upstream: up, filters: [ test_auth: { lazy: true } ] }
                  - { id: open, match: { path: /open }, upstream: up, filters: [ script: { file: who.js, timeout: 5s } ] }
                global_filters:
                  - access_log: { file: logs/access.log }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /**
     * @param desc      what is sent
     * @param path      the route
     * @param headers   extra header lines
     * @param status    what the client gets
     * @param challenge the client's {@code WWW-Authenticate}, or {@code null} for none
     * @param consumer  the upstream's {@code X-Consumer-Id}, or {@code null} when the upstream must receive nothing
     */
    record Case(String desc, String path, String headers, int status, String challenge, String consumer) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no credential", "/one", "", 401, "Test realm=\"X-Key-A\"", null),
                new Case("a refused credential", "/one", "X-Key-A: bad\r\n", 401,
                        "Test realm=\"X-Key-A\", error=\"invalid\"", null),
                new Case("a good credential", "/one", "X-Key-A: alice\r\n", 200, null, "alice"),
                new Case("two filters: the first one's credential", "/two", "X-Key-A: alice\r\n", 200, null, "alice"),
                new Case("two filters: the second one's credential", "/two", "X-Key-B: bob\r\n", 200, null, "bob"),
                new Case("two filters: the first that finds its credential decides, even when it refuses", "/two",
                        "X-Key-A: bad\r\nX-Key-B: bob\r\n", 401, "Test realm=\"X-Key-A\", error=\"invalid\"", null),
                new Case("two filters: the first that finds its credential decides, later ones do not look",
                        "/two", "X-Key-A: alice\r\nX-Key-B: bad\r\n", 200, null, "alice"),
                new Case("two filters: no credential is the anonymous consumer", "/two", "", 200, null, "guest"),
                new Case("two filters: a credential after an anonymous one still counts", "/two",
                        "X-Key-B: bad\r\n", 401, "Test realm=\"X-Key-B\", error=\"invalid\"", null),
                new Case("two filters, no anonymous: every challenge is named", "/either", "", 401,
                        "Test realm=\"X-Key-A\", Test realm=\"X-Key-B\"", null),
                new Case("a filter that claims to authenticate but identifies no one", "/lazy", "X-Test-Key: x\r\n",
                        401, null, null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theRoutesAuthenticationDecides(Case c) throws IOException {
        int before = upstream.received().size();
        RawClient.RawResponse response = send(c.path(), c.headers());
        assertEquals(c.status(), response.status(), response.bodyText());
        assertEquals(c.challenge(), response.header("WWW-Authenticate"));
        List<RawUpstream.Received> received = upstream.received();
        if (c.consumer() == null) {
            assertEquals(before, received.size(), "the upstream received the refused request");
            assertTrue(response.header("Content-Type").startsWith("application/problem+json"), response.toString());
            assertTrue(response.bodyText().contains("\"request_id\""), response.bodyText());
        } else {
            assertEquals(before + 1, received.size());
            assertEquals(c.consumer(), received.getLast().header("X-Consumer-Id"));
        }
    }

    @Test
    void theUpstreamLearnsTheConsumerFromTheGatewayAloneNeverFromTheClient() throws IOException {
        RawUpstream.Received received = sendAndReceive("/one", "X-Key-A: alice\r\nX-Consumer-Id: admin\r\n"
                + "x-consumer-groups: root\r\nX-CONSUMER-CUSTOM: 1\r\nX-Forwarded-User: admin\r\n");
        assertEquals(List.of("X-Consumer-Id: alice"), received.headerLines("X-Consumer-Id"));
        assertEquals(List.of("X-Consumer-Groups: staff,ops"), received.headerLines("X-Consumer-Groups"));
        assertEquals(List.of("X-Consumer-Credential: test"), received.headerLines("X-Consumer-Credential"));
        assertEquals(List.of(), received.headerLines("X-Consumer-Custom"));
        assertEquals(List.of("X-Forwarded-User: alice"), received.headerLines("X-Forwarded-User"),
                "a header the filter declares is the filter's alone");
    }

    @Test
    void aClientCanNeitherNameTheGatewaysHeadersInConnectionNorSpellItsOwnWithUnderscores() throws IOException {
        RawUpstream.Received received = sendAndReceive("/one", "X-Key-A: alice\r\n"
                + "Connection: X-Consumer-Id, X-Consumer-Credential, X-Forwarded-User\r\n"
                + "X_Consumer_Id: root\r\nx_consumer_groups: admins\r\nX_Forwarded_User: root\r\n");
        assertEquals(List.of("X-Consumer-Id: alice"), received.headerLines("X-Consumer-Id"));
        assertEquals(List.of("X-Consumer-Credential: test"), received.headerLines("X-Consumer-Credential"));
        assertEquals(List.of("X-Forwarded-User: alice"), received.headerLines("X-Forwarded-User"));
        assertEquals(List.of(), received.headerLines("X_Consumer_Id"));
        assertEquals(List.of(), received.headerLines("X_Consumer_Groups"));
        assertEquals(List.of(), received.headerLines("X_Forwarded_User"));
        assertEquals(List.of(), received.headerLines("Connection"), "the client's Connection ends at the gateway");
    }

    @Test
    void aCredentialInTheQueryOfATargetRefusedBeforeRoutingIsNeitherEchoedNorLogged() throws Exception {
        RawClient.RawResponse response = send("/one%2f?api_key=S3CR3T-KEY", "X-Request-Id: refused-query-1\r\n");
        assertEquals(400, response.status());
        assertTrue(!response.bodyText().contains("S3CR3T"), response.bodyText());
        String line = awaitAccessLine("refused-query-1");
        assertTrue(!line.contains("S3CR3T") && line.contains("/one%2f"), line);
    }

    @Test
    void consumerHeadersAreRemovedOnRoutesWithoutAuthenticationToo() throws IOException {
        RawUpstream.Received received = sendAndReceive("/open", "X-Consumer-Id: admin\r\nX-Consumer-Groups: root\r\n");
        assertEquals(List.of(), received.headerLines("X-Consumer-Id"));
        assertEquals(List.of(), received.headerLines("X-Consumer-Groups"));
        assertEquals("nobody", received.header("X-Script-Saw"));
    }

    @Test
    void anAnonymousConsumerCarriesItsCredentialKind() throws IOException {
        RawUpstream.Received received = sendAndReceive("/two", "");
        assertEquals("guest", received.header("X-Consumer-Id"));
        assertEquals("anonymous", received.header("X-Consumer-Credential"));
        assertNull(received.header("X-Consumer-Groups"));
        assertEquals("guest/anonymous//-", received.header("X-Script-Saw"));
    }

    @Test
    void scriptsSeeTheConsumerAndMayNameOne() throws Exception {
        assertEquals("alice/test/staff+ops/X-Key-A", sendAndReceive("/one", "X-Key-A: alice\r\n")
                .header("X-Script-Saw"));
        RawUpstream.Received renamed = sendAndReceive("/open", "X-Rename: carol\r\nX-Request-Id: renamed-1\r\n");
        assertEquals("nobody", renamed.header("X-Script-Saw"));
        String line = awaitAccessLine("renamed-1");
        assertTrue(line.contains("\"consumer\":\"carol\"") && line.contains("\"credential\":\"script\""), line);
    }

    @Test
    void theAccessLogNamesTheConsumerAndHowItWasIdentified() throws Exception {
        sendAndReceive("/one", "X-Key-A: dave\r\nX-Request-Id: logged-dave\r\n");
        String line = awaitAccessLine("logged-dave");
        assertTrue(line.contains("\"consumer\":\"dave\"") && line.contains("\"credential\":\"test\""), line);
        send("/one", "X-Key-A: bad\r\nX-Request-Id: logged-refused\r\n");
        assertTrue(!awaitAccessLine("logged-refused").contains("\"consumer\""), "a refused request has no consumer");
    }

    private static String awaitAccessLine(String requestId) throws Exception {
        Path log = gateway.home().resolve("logs/access.log");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.contains("\"request_id\":\"" + requestId + "\"")) {
                        return line;
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "no access log line for " + requestId);
            Thread.sleep(20);
        }
    }

    @Test
    void aRefusalIsLoggedWithTheRequestId() throws Exception {
        try (LogCapture log = LogCapture.of(AuthGate.class.getPackageName())) {
            RawClient.RawResponse response = send("/either", "X-Request-Id: refused-either-1\r\n");
            assertEquals(401, response.status());
            assertTrue(log.containing("refused-either-1").stream().anyMatch(l -> l.message().contains("401")),
                    log.lines().toString());
        }
    }

    private static RawClient.RawResponse send(String path, String headerLines) throws IOException {
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            return client.send("GET " + path + " HTTP/1.1\r\nHost: gateway.test\r\n" + headerLines
                    + "Connection: close\r\n\r\n").read();
        }
    }

    private static RawUpstream.Received sendAndReceive(String path, String headerLines) throws IOException {
        int before = upstream.received().size();
        RawClient.RawResponse response = send(path, headerLines);
        assertEquals(200, response.status(), response.bodyText());
        List<RawUpstream.Received> received = upstream.received();
        assertEquals(before + 1, received.size());
        return received.getLast();
    }

}
