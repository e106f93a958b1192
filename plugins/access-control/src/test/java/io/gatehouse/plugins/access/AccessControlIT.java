package io.gatehouse.plugins.access;

import io.gatehouse.core.Gateway;
import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.config.ConfigLoader;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.generation.GenerationBuilder;
import io.gatehouse.core.plugin.PluginHost;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.PackagedPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a real gateway loads the packaged plugin JAR and runs the examples of {@code docs/access-control.md}
 * in front of a real upstream. Each test checks what the client got and what the upstream received: a refusal or a
 * preflight never reaches it.
 */
class AccessControlIT {

    private static final String PAGE = "docs/access-control.md";
    private static final String DOC_UPSTREAM = "http://127.0.0.1:8081";

    private RecordingUpstream upstream;
    private GatewayFixture gateway;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = new RecordingUpstream();
    }

    @AfterEach
    void stopAll() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private GatewayFixture start(String yaml) throws Exception {
        Path home = PackagedPlugin.home("gatehouse-plugin-access-control");
        Files.createDirectories(home.resolve("scripts"));
        // a stand-in for an authentication filter, for this test only: the consumer named in a request header
        Files.writeString(home.resolve("scripts/identify.js"), """
                export function filter(exchange, chain) {
                    const who = exchange.request.headers.get('X-Test-Identity');
                    if (who) {
                        const [id, ...groups] = who.split(',');
                        exchange.consumer = { id, groups };
                    }
                    return chain.proceed(exchange);
                }
                """);
        gateway = GatewayFixture.start(home, yaml);
        return gateway;
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, List<String>> cors(HttpHeaders headers) {
        Map<String, List<String>> cors = new TreeMap<>();
        headers.map().forEach((name, values) -> {
            if (name.toLowerCase().startsWith("access-control-")) {
                cors.put(name.toLowerCase(), values);
            }
        });
        return cors;
    }

    @Test
    void corsExampleAnswersPreflightsItselfAndDecoratesActualRequests() throws Exception {
        start(DocExample.yaml(PAGE, "cors").replace(DOC_UPSTREAM, upstream.url()));
        String app = "https://app.example.com";

        HttpResponse<String> allowed = send("OPTIONS", "/api/orders", "Origin", app,
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization,content-type");
        assertEquals(204, allowed.statusCode(), allowed.body());
        assertEquals(Map.of(
                "access-control-allow-origin", List.of(app),
                "access-control-allow-credentials", List.of("true"),
                "access-control-allow-methods", List.of("GET, POST, PUT, DELETE"),
                "access-control-allow-headers", List.of("authorization, content-type"),
                "access-control-max-age", List.of("600")), cors(allowed.headers()));

        HttpResponse<String> partner = send("OPTIONS", "/api/orders", "Origin", "https://eu.partner.example",
                "Access-Control-Request-Method", "GET");
        assertEquals(204, partner.statusCode());
        assertEquals(List.of("https://eu.partner.example"), partner.headers().allValues("access-control-allow-origin"));
        assertEquals(List.of(), upstream.received(), "an allowed preflight is answered by the gateway");

        for (String[] refused : List.of(
                new String[] {"https://evil.example", "GET", "the origin is not allowed"},
                new String[] {"https://partner.example", "GET", "the origin is not allowed"},
                new String[] {"https://app.example.com.evil.org", "GET", "the origin is not allowed"},
                new String[] {app, "PATCH", "the method PATCH is not allowed"})) {
            HttpResponse<String> response = send("OPTIONS", "/api/orders", "Origin", refused[0],
                    "Access-Control-Request-Method", refused[1]);
            assertEquals(403, response.statusCode(), refused[0]);
            assertProblem(response, "cors_preflight_refused");
            assertTrue(response.body().contains("CORS preflight refused: " + refused[2]), response.body());
            assertEquals(Map.of(), cors(response.headers()), "a refused preflight gets no CORS header");
        }
        assertEquals(List.of(), upstream.received(), "a refused preflight never reaches the upstream");

        HttpResponse<String> actual = send("GET", "/api/orders", "Origin", app);
        assertEquals(200, actual.statusCode());
        assertEquals("upstream", actual.body());
        assertEquals(Map.of(
                "access-control-allow-origin", List.of(app),
                "access-control-allow-credentials", List.of("true"),
                "access-control-expose-headers", List.of("X-Request-Id")), cors(actual.headers()),
                "the gateway's CORS headers replace the upstream's '*'");
        assertTrue(actual.headers().allValues("vary").contains("Origin"), actual.headers().map().toString());

        HttpResponse<String> foreign = send("GET", "/api/orders", "Origin", "https://evil.example");
        assertEquals(200, foreign.statusCode(), "an actual request goes on; the browser keeps the answer from the page");
        assertEquals(Map.of(), cors(foreign.headers()), "not even the upstream's '*' gets through");

        assertEquals(2, upstream.received().size());
        assertEquals(app, upstream.received().get(0).header("Origin"));
        assertEquals("GET", upstream.received().get(0).method());
    }

    @Test
    void corsInGlobalFiltersAnswersPreflightsForRoutesThatDoNotTakeOptions() throws Exception {
        start(DocExample.yaml(PAGE, "cors-global").replace(DOC_UPSTREAM, upstream.url()));
        String app = "https://app.example.com";

        HttpResponse<String> preflight = send("OPTIONS", "/reports/2024", "Origin", app,
                "Access-Control-Request-Method", "GET");
        assertEquals(204, preflight.statusCode(), preflight.body());
        assertEquals(List.of(app), preflight.headers().allValues("access-control-allow-origin"));
        assertEquals(List.of("3600"), preflight.headers().allValues("access-control-max-age"));

        HttpResponse<String> plainOptions = send("OPTIONS", "/reports/2024");
        assertEquals(405, plainOptions.statusCode(), "an OPTIONS that is no preflight still meets the route's methods");

        HttpResponse<String> get = send("GET", "/reports/2024", "Origin", app);
        assertEquals(200, get.statusCode());
        assertEquals(List.of(app), get.headers().allValues("access-control-allow-origin"));
        assertEquals(1, upstream.received().size());
    }

    private String ipExample() throws Exception {
        return DocExample.yaml(PAGE, "ip-restriction").replace(DOC_UPSTREAM, upstream.url())
                .replace("port: 8080", "host: 127.0.0.1\n  port: 0")
                .replace("trusted_proxies: [ 10.0.0.0/8 ]", "trusted_proxies: [ 127.0.0.1 ]");
    }

    @Test
    void ipRestrictionExampleJudgesTheClientBehindATrustedProxy() throws Exception {
        start(ipExample());
        record Case(String forwardedFor, int status) {
        }
        List<Case> internal = List.of(
                new Case("192.168.1.5", 200),
                new Case("2001:db8:10::5", 200),
                new Case("192.168.66.6", 403),
                new Case("::ffff:192.168.66.6", 403),
                new Case("::ffff:c0a8:4206", 403),
                new Case("172.16.0.1", 403),
                new Case("2001:db8:11::1", 403),
                // the proxy appends what it saw: a client cannot prepend a better address
                new Case("192.168.1.5, 192.168.66.6", 403),
                new Case("10.1.1.1, 192.168.1.5", 200),
                new Case(null, 403));
        for (Case c : internal) {
            upstream.clear();
            HttpResponse<String> response = c.forwardedFor() == null ? send("GET", "/internal/x")
                    : send("GET", "/internal/x", "X-Forwarded-For", c.forwardedFor());
            assertEquals(c.status(), response.statusCode(), c.forwardedFor() + ": " + response.body());
            if (c.status() == 200) {
                assertEquals(1, upstream.received().size(), c.forwardedFor());
            } else {
                assertProblem(response, "ip_not_allowed");
                assertTrue(response.body().contains("Your IP address is not allowed to use this route."));
                assertEquals(List.of(), upstream.received(), c.forwardedFor() + " must not reach the upstream");
            }
        }

        upstream.clear();
        HttpResponse<String> hidden = send("GET", "/docs", "X-Forwarded-For", "203.0.113.77");
        assertEquals(404, hidden.statusCode());
        assertProblem(hidden, "ip_not_allowed");
        assertTrue(hidden.body().contains("No such page."), hidden.body());
        assertEquals(200, send("GET", "/docs", "X-Forwarded-For", "198.51.100.24").statusCode());
        assertEquals(404, send("GET", "/docs", "X-Forwarded-For", "198.51.100.23").statusCode());
        assertEquals(1, upstream.received().size());
    }

    @Test
    void withoutTrustedProxiesAForwardedForHeaderChangesNothing() throws Exception {
        start(ipExample().replace("trusted_proxies: [ 127.0.0.1 ]", "trusted_proxies: [ ]"));
        try (LogCapture log = LogCapture.of("gatehouse.filter.ip_restriction")) {
            HttpResponse<String> spoofed = send("GET", "/internal/x", "X-Forwarded-For", "192.168.1.5");
            assertEquals(403, spoofed.statusCode(), "the client is 127.0.0.1, whatever it claims");
            assertEquals(List.of(), upstream.received());
            String requestId = spoofed.headers().firstValue("x-request-id").orElseThrow();
            List<LogCapture.Line> lines = log.containing(requestId);
            assertEquals(1, lines.size(), log.lines().toString());
            assertTrue(lines.getFirst().message().contains("client 127.0.0.1 is in no allowed block"),
                    lines.getFirst().message());
        }
    }

    private String aclConfig() throws Exception {
        String route = DocExample.yaml(PAGE, "acl").replaceFirst("(?m)^( *)# ← the route's authentication.*$",
                "$1- script: identify.js");
        return "upstreams:\n  backend: { discovery: { type: static, endpoints: [ { url: \"" + upstream.url()
                + "\" } ] } }\nroutes:\n" + route;
    }

    @Test
    void aclExampleJudgesTheConsumerAndCorsLetsThePageReadTheRefusal() throws Exception {
        start(aclConfig());
        String console = "https://console.example.com";
        String secret = "Bearer s3cr3t-t0ken-never-logged";
        try (LogCapture log = LogCapture.of("gatehouse")) {
            record Case(String identity, int status) {
            }
            for (Case c : List.of(new Case("alice,admins", 200), new Case("ci-deployer", 200),
                    new Case("olga,users,ops", 200), new Case("bob,users", 403), new Case("mallory,admins", 403),
                    new Case("Alice,Admins", 403))) {
                upstream.clear();
                HttpResponse<String> response = send("DELETE", "/admin/users/7", "X-Test-Identity", c.identity(),
                        "Origin", console, "Authorization", secret);
                assertEquals(c.status(), response.statusCode(), c.identity() + ": " + response.body());
                assertEquals(List.of(console), response.headers().allValues("access-control-allow-origin"),
                        "a refusal by a later filter carries the CORS headers too");
                assertEquals(List.of("true"), response.headers().allValues("access-control-allow-credentials"));
                if (c.status() == 200) {
                    assertEquals(1, upstream.received().size());
                    assertEquals("DELETE", upstream.received().getFirst().method());
                } else {
                    assertProblem(response, "access_denied");
                    assertTrue(response.body().contains("This consumer is not allowed to use this route."));
                    assertEquals(List.of(), upstream.received(), c.identity() + " must not reach the upstream");
                    String requestId = response.headers().firstValue("x-request-id").orElseThrow();
                    String consumer = c.identity().split(",")[0];
                    assertEquals(1, log.containing(requestId).stream()
                            .filter(line -> line.message().contains("'" + consumer + "'")).count(), log.lines()
                            .toString());
                }
            }

            upstream.clear();
            HttpResponse<String> nobody = send("GET", "/admin/users", "Origin", console);
            assertEquals(403, nobody.statusCode());
            assertProblem(nobody, "access_denied");
            assertTrue(nobody.body().contains("No consumer identified: put an authentication filter before "
                    + "filter.acl"), nobody.body());

            HttpResponse<String> preflight = send("OPTIONS", "/admin/users/7", "Origin", console,
                    "Access-Control-Request-Method", "DELETE");
            assertEquals(204, preflight.statusCode(), "a preflight is answered before anyone is asked who they are");
            assertEquals(List.of(), upstream.received());

            assertTrue(log.lines().stream().noneMatch(line -> line.message().contains("s3cr3t")),
                    "no credential in the log");
        }
    }

    /** What {@code bin/gatehouse check} says of a config, with the packaged plugin installed. */
    private static List<String> check(String yaml) throws Exception {
        Path home = PackagedPlugin.home("gatehouse-plugin-access-control");
        try (PluginHost plugins = PluginHost.start(home.resolve("plugins"), Builtins.factories())) {
            return new GenerationBuilder(plugins.registry(), home, () -> {
                throw new AssertionError("no example here names a script");
            }).check(ConfigLoader.read(yaml, "test.yaml", Map.of())).stream().map(Problem::toString).toList();
        }
    }

    @Test
    void everyCompleteExampleOfThePageIsValidAsWritten() throws Exception {
        String page = Files.readString(Path.of("../../" + PAGE));
        Matcher blocks = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(page);
        int complete = 0;
        while (blocks.find()) {
            if (Pattern.compile("^(routes|upstreams):", Pattern.MULTILINE).matcher(blocks.group(1)).find()) {
                complete++;
                assertEquals(List.of(), check(blocks.group(1)), blocks.group(1));
            }
        }
        assertEquals(3, complete, "ip-restriction, cors, cors-global");
    }

    @Test
    void badConfigsAreRefusedAtLoadWithTheirExactPaths() throws Exception {
        String head = "upstreams:\n  b: { discovery: { type: static, endpoints: [ { url: \"http://127.0.0.1:1\" } ] } }\n"
                + "routes:\n  - id: r\n    match: { path: /x }\n    upstream: b\n    filters:\n";
        List<String> problems = check(head
                + "      - cors: { allow_origins: [ \"*\" ], allow_credentials: true }\n"
                + "      - ip_restriction: { allow: [ 10.0.0.0/33, 10.0.0.1/8, gateway.example ], deny: [ \"::1/129\" ] }\n"
                + "      - acl: { allow: { consumers: [ ] }, deny: { groups: [ \" \" ] } }\n");
        List<String> paths = problems.stream().map(line -> line.substring(0, line.indexOf(": "))).toList();
        assertEquals(List.of(
                "routes[0].filters[0].cors.allow_origins[0]",
                "routes[0].filters[1].ip_restriction.allow[0]",
                "routes[0].filters[1].ip_restriction.allow[1]",
                "routes[0].filters[1].ip_restriction.allow[2]",
                "routes[0].filters[1].ip_restriction.deny[0]",
                "routes[0].filters[2].acl.allow",
                "routes[0].filters[2].acl.deny.groups[0]"), paths, String.join("\n", problems));
        assertTrue(problems.getFirst().contains("\"*\" cannot be combined with allow_credentials: true"),
                problems.getFirst());
        assertTrue(problems.get(2).contains("write 10.0.0.0/8 for the block, or 10.0.0.1 alone"), problems.get(2));
        assertEquals(List.of("routes[0].filters[0].cors.allow_origins: required"),
                check(head + "      - cors: { allow_methods: [ GET ] }\n"));
    }

    @Test
    void aReloadThatAllowsAnyOriginWithCredentialsIsRefusedAndTheRunningConfigKeepsServing() throws Exception {
        String good = DocExample.yaml(PAGE, "cors").replace(DOC_UPSTREAM, upstream.url());
        start(good);
        Gateway.ReloadStatus status = gateway.reload(good.replace(
                "allow_origins: [ \"https://app.example.com\", \"https://*.partner.example\" ]",
                "allow_origins: [ \"*\" ]"));
        assertEquals(1, status.problems().size(), status.problems().toString());
        assertEquals("routes[0].filters[0].cors.allow_origins[0]", status.problems().getFirst().path());

        HttpResponse<String> response = send("GET", "/api/orders", "Origin", "https://evil.example");
        assertEquals(200, response.statusCode());
        assertEquals(Map.of(), cors(response.headers()), "the running config still refuses that origin");
    }
}
