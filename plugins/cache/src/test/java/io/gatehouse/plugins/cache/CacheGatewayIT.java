package io.gatehouse.plugins.cache;

import io.gatehouse.api.testkit.PluginJar;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.PackagedPlugin;
import io.gatehouse.core.testing.ProblemAssertions;
import io.gatehouse.core.testing.RawClient;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a real gateway loads the packaged plugin JAR and runs the examples of {@code docs/caching.md} against
 * an upstream on loopback that counts what it receives.
 */
class CacheGatewayIT {

    private static final String PAGE = "docs/caching.md";
    private static final String DOC_UPSTREAM = "http://127.0.0.1:8081";

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private CountingUpstream upstream;
    private Path home;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        upstream = CountingUpstream.start();
        cleanup.add(upstream);
        home = PackagedPlugin.home("gatehouse-plugin-cache");
        PluginJar.builder(home.resolve("plugins/header-auth-1.0.0.jar")).id("header-auth").requires(">=1.2.0")
                .extension(HeaderAuthFactory.class).write();
        log = LogCapture.of("");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
        log.close();
        for (LogCapture.Line line : log.lines()) {
            assertFalse(line.message().contains("Bearer x"), "a credential in the log: " + line);
        }
    }

    private String example(String name, String url, String... replacements) throws Exception {
        String yaml = DocExample.yaml(PAGE, name).replace(DOC_UPSTREAM, url);
        for (int i = 0; i < replacements.length; i += 2) {
            assertTrue(yaml.contains(replacements[i]), replacements[i]);
            yaml = yaml.replace(replacements[i], replacements[i + 1]);
        }
        return yaml;
    }

    /**
     * The example with authenticated consumers, its {@code api_key} filter (another plugin, not built with this one)
     * replaced by the test's {@code header_auth}, which takes the consumer from {@code X-User}.
     */
    private String authenticatedExample(String... replacements) throws Exception {
        String yaml = example("cache-authenticated", upstream.url(), replacements);
        String replaced = yaml.replaceAll("(?s)      - api_key:.*?(?=      - cache:)",
                "      - header_auth: { header: X-User }\n");
        assertTrue(replaced.contains("header_auth") && !replaced.contains("api_key"), replaced);
        return replaced;
    }

    private GatewayFixture gateway(String yaml) throws Exception {
        GatewayFixture gateway = GatewayFixture.start(home, yaml);
        cleanup.add(gateway);
        return gateway;
    }

    private static HttpResponse<String> send(GatewayFixture gateway, String method, String path, String... headers)
            throws Exception {
        return gateway.send(method, path, headers);
    }

    private static String xCache(HttpResponse<?> response) {
        return response.headers().firstValue("x-cache").orElse("-");
    }

    @Test
    void theBasicExampleAnswersRepeatedRequestsFromTheCache() throws Exception {
        GatewayFixture gateway = gateway(example("cache-basic", upstream.url()));
        HttpResponse<String> first = send(gateway, "GET", "/catalog/items/7");
        assertEquals(200, first.statusCode());
        assertEquals("MISS", xCache(first));
        assertEquals("/catalog/items/7 1 null null", first.body());
        HttpResponse<String> second = send(gateway, "GET", "/catalog/items/7");
        assertEquals("HIT", xCache(second));
        assertEquals(first.body(), second.body());
        assertTrue(second.headers().firstValue("age").isPresent());
        assertEquals("text/plain", second.headers().firstValue("content-type").orElseThrow());

        HttpResponse<String> head = send(gateway, "HEAD", "/catalog/items/7");
        assertEquals("HIT", xCache(head));
        assertEquals(Integer.toString(first.body().length()),
                head.headers().firstValue("content-length").orElseThrow());
        assertEquals("", head.body());

        assertEquals("MISS", xCache(send(gateway, "GET", "/catalog/items/7?page=2")));
        HttpResponse<String> german = send(gateway, "GET", "/catalog/items/7", "Accept-Language", "de");
        assertEquals("MISS", xCache(german), "vary_headers: Accept-Language");
        assertEquals("/catalog/items/7 2 de null", german.body());
        assertEquals("HIT", xCache(send(gateway, "GET", "/catalog/items/7", "Accept-Language", "de")));
        assertEquals("MISS", xCache(send(gateway, "GET", "/catalog/items/./8")));
        assertEquals("HIT", xCache(send(gateway, "GET", "/catalog/items/8")), "the normalised path is the key");
        assertEquals(2, upstream.count("/catalog/items/7"));
        assertEquals(1, upstream.count("/catalog/items/7?page=2"));
        assertEquals(1, upstream.count("/catalog/items/8"));

        HttpResponse<String> authorized = send(gateway, "GET", "/catalog/items/7", "Authorization", "Bearer x");
        assertEquals("BYPASS", xCache(authorized));
        assertEquals(3, upstream.count("/catalog/items/7"), "a request with credentials goes upstream");
    }

    @Test
    void theAdminApiPurgesOneResourceOrTheWholeRoute() throws Exception {
        GatewayFixture gateway = gateway(example("cache-basic", upstream.url()));
        send(gateway, "GET", "/catalog/items/7");
        send(gateway, "GET", "/catalog/items/8");
        assertEquals("HIT", xCache(send(gateway, "GET", "/catalog/items/7")));
        HttpResponse<String> one = purge(gateway, "/cache/routes/catalog?path=/catalog/items/7");
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("{\"route\":\"catalog\",\"purged\":1}", one.body());
        assertEquals("MISS", xCache(send(gateway, "GET", "/catalog/items/7")), "purged");
        assertEquals("HIT", xCache(send(gateway, "GET", "/catalog/items/8")), "another resource stays");
        HttpResponse<String> all = purge(gateway, "/cache/routes/catalog");
        assertEquals("{\"route\":\"catalog\",\"purged\":2}", all.body());
        assertEquals("MISS", xCache(send(gateway, "GET", "/catalog/items/8")));
        HttpResponse<String> get = gateway.client().send(HttpRequest.newBuilder(
                gateway.adminUri("/cache/routes/catalog")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode(), "only DELETE purges");
    }

    private static HttpResponse<String> purge(GatewayFixture gateway, String path) throws Exception {
        return gateway.client().send(HttpRequest.newBuilder(gateway.adminUri(path)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void conditionalRequestsGet304() throws Exception {
        GatewayFixture gateway = gateway(example("cache-basic", upstream.url()));
        HttpResponse<String> miss = send(gateway, "GET", "/catalog/etag", "If-None-Match", "\"v1\"");
        assertEquals(304, miss.statusCode());
        assertEquals("MISS", xCache(miss));
        assertEquals(null, upstream.received().getLast().getFirst("If-None-Match"),
                "the upstream is asked for the whole response");
        HttpResponse<String> hit = send(gateway, "GET", "/catalog/etag", "If-None-Match", "\"v0\", \"v1\"");
        assertEquals(304, hit.statusCode());
        assertEquals("HIT", xCache(hit));
        assertEquals("\"v1\"", hit.headers().firstValue("etag").orElseThrow());
        assertEquals(304, send(gateway, "GET", "/catalog/etag", "If-Modified-Since",
                CountingUpstream.LAST_MODIFIED).statusCode());
        HttpResponse<String> full = send(gateway, "GET", "/catalog/etag", "If-None-Match", "\"v2\"");
        assertEquals(200, full.statusCode());
        assertEquals("tagged 1", full.body());
        assertEquals(1, upstream.count("/catalog/etag"));
    }

    @Test
    void fiftyConcurrentClientsMakeOneUpstreamRequest() throws Exception {
        GatewayFixture gateway = gateway(example("cache-basic", upstream.url()));
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            responses.add(gateway.client().sendAsync(HttpRequest.newBuilder(gateway.uri("/catalog/slow")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int hits = 0;
        for (CompletableFuture<HttpResponse<String>> future : responses) {
            HttpResponse<String> response = future.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals("slow 1", response.body());
            hits += xCache(response).equals("HIT") ? 1 : 0;
        }
        assertEquals(1, upstream.count("/catalog/slow"));
        assertEquals(49, hits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "&chunked"})
    void aBodyJustOverTheLimitReachesTheClientWholeAndIsNotCached(String framing) throws Exception {
        int limit = 100 * 1024;
        GatewayFixture gateway = gateway(example("cache-basic", upstream.url(), "max_body_size: 1MiB",
                "max_body_size: 100KiB"));
        for (int size : new int[] {limit + 1, limit}) {
            String target = "/catalog/big?size=" + size + framing;
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> response = gateway.client().send(HttpRequest.newBuilder(gateway.uri(target))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode());
                assertEquals(size, response.body().length, target);
                CRC32 crc = new CRC32();
                crc.update(response.body());
                assertEquals(EchoRoutes.patternCrc(size), Long.toHexString(crc.getValue()), target);
                assertEquals(size > limit || i == 0 ? "MISS" : "HIT", xCache(response), target + " #" + i);
            }
            assertEquals(size > limit ? 2 : 1, upstream.count(target.substring(0, target.length())));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"length", "chunked"})
    void aBodyTheUpstreamBrokeOffIsNeverCached(String framing) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        String part = "x".repeat(100_000);
        RawUpstream raw = RawUpstream.start(received -> {
            if (requests.incrementAndGet() == 1) {
                return framing.equals("length")
                        ? RawUpstream.Reply.thenReset("HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n" + part)
                        : RawUpstream.Reply.thenReset("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(part.length()) + "\r\n" + part + "\r\n");
            }
            return RawUpstream.Reply.ok("whole " + requests.get());
        });
        cleanup.add(raw);
        GatewayFixture gateway = gateway(example("cache-basic", raw.url()));
        HttpResponse<String> broken = send(gateway, "GET", "/catalog/a");
        assertEquals(502, broken.statusCode());
        ProblemAssertions.assertProblem(broken, "upstream_broken");
        HttpResponse<String> whole = send(gateway, "GET", "/catalog/a");
        assertEquals("whole 2", whole.body());
        assertEquals("MISS", xCache(whole), "nothing was stored from the broken body");
        assertEquals("whole 2", send(gateway, "GET", "/catalog/a").body());
        assertEquals(2, raw.received().size());
    }

    @Test
    void authenticatedResponsesAreCachedPerConsumerOnlyWhenTheRouteSaysSo() throws Exception {
        GatewayFixture gateway = gateway(authenticatedExample());
        HttpResponse<String> alice = send(gateway, "GET", "/reports/q1", "X-User", "alice");
        assertEquals("/reports/q1 1 null alice", alice.body());
        assertEquals("MISS", xCache(alice));
        HttpResponse<String> bob = send(gateway, "GET", "/reports/q1", "X-User", "bob");
        assertEquals("/reports/q1 2 null bob", bob.body());
        HttpResponse<String> aliceAgain = send(gateway, "GET", "/reports/q1", "X-User", "alice");
        assertEquals("HIT", xCache(aliceAgain));
        assertEquals(alice.body(), aliceAgain.body());
        HttpResponse<String> nobody = send(gateway, "GET", "/reports/q1");
        assertEquals(401, nobody.statusCode());
        ProblemAssertions.assertProblem(nobody, "unauthorized");
        assertEquals(2, upstream.count("/reports/q1"));

        GatewayFixture uncached = gateway(authenticatedExample("cache_authenticated: true",
                "cache_authenticated: false"));
        for (int i = 0; i < 2; i++) {
            assertEquals("BYPASS", xCache(send(uncached, "GET", "/reports/q2", "X-User", "alice")));
        }
        assertEquals(2, upstream.count("/reports/q2"));
    }

    @Test
    void aCacheBeforeTheAuthenticationStoresNothingItsFiltersIdentified() throws Exception {
        String yaml = authenticatedExample()
                .replaceAll("      - cache: \\{ ttl: 10s, cache_authenticated: true } .*\n", "")
                .replace("    filters:\n", "    filters:\n      - cache: { ttl: 10s }\n");
        assertTrue(yaml.indexOf("- cache:") < yaml.indexOf("- header_auth:")
                && yaml.indexOf("- cache:") == yaml.lastIndexOf("- cache:"), yaml);
        GatewayFixture gateway = gateway(yaml);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> alice = send(gateway, "GET", "/reports/q1", "X-User", "alice");
            assertEquals(200, alice.statusCode());
            assertEquals("BYPASS", xCache(alice));
        }
        assertEquals(2, upstream.count("/reports/q1"));
        assertEquals(401, send(gateway, "GET", "/reports/q1").statusCode());
        assertEquals(1, log.containing("runs before the route's authentication").size(), log.lines().toString());
    }

    @Test
    void theCacheSurvivesAReloadThatLeavesItsConfigUnchanged() throws Exception {
        String yaml = example("cache-basic", upstream.url());
        GatewayFixture gateway = gateway(yaml);
        send(gateway, "GET", "/catalog/items/1");
        String withAnotherRoute = yaml + "  - { id: other, match: { path: /other/*rest }, upstream: catalog }\n";
        assertEquals(List.of(), gateway.reload(withAnotherRoute).problems());
        assertEquals("HIT", xCache(send(gateway, "GET", "/catalog/items/1")));
        assertEquals(200, send(gateway, "GET", "/other/x").statusCode(), "the reload was applied");
        assertEquals(List.of(), gateway.reload(withAnotherRoute.replace("ttl: 30s", "ttl: 20s")).problems());
        assertEquals("MISS", xCache(send(gateway, "GET", "/catalog/items/1")), "a changed cache config starts empty");
        assertEquals(2, upstream.count("/catalog/items/1"));
    }

    @Test
    void headAndPostOnTheWire() throws Exception {
        GatewayFixture gateway = gateway(example("cache-basic", upstream.url(),
                "methods: [GET, HEAD]", "methods: [GET, HEAD, POST]"));
        send(gateway, "GET", "/catalog/items/3");
        String host = "Host: 127.0.0.1:" + gateway.uri("/").getPort() + "\r\n"; // as the GET's client sent it
        try (RawClient client = RawClient.connect(gateway.uri("/"))) {
            RawClient.RawResponse head = client.send("HEAD /catalog/items/3 HTTP/1.1\r\n" + host + "\r\n")
                    .readHead();
            assertEquals(200, head.status());
            assertEquals("HIT", head.header("X-Cache"));
            RawClient.RawResponse post = client.send("POST /catalog/items/3 HTTP/1.1\r\n" + host
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").read();
            assertEquals("BYPASS", post.header("X-Cache"));
            assertTrue(client.closedByPeer());
        }
        assertEquals(2, upstream.count("/catalog/items/3"));
    }
}
