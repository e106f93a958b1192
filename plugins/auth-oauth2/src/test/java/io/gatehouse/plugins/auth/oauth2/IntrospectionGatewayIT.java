package io.gatehouse.plugins.auth.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.PackagedPlugin;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a real gateway loads the packaged plugin JAR and runs the examples of {@code docs/auth-oauth2.md}
 * against a real upstream and an RFC 7662 endpoint on loopback, the client secret coming from the environment.
 */
class IntrospectionGatewayIT {

    private static final String PAGE = "docs/auth-oauth2.md";
    private static final String SECRET = "it-secret-Zq8%w";
    private static final String GOOD = "kR4v.9tQ-b2_Lm";
    private static final String NO_EMAIL = "pX7w.3nB-c8_Jk";
    private static final String READ_ONLY_WRITE = "wS2d.5yH-e1_Tf";

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger upstreamHits = new AtomicInteger();
    private IntrospectionEndpoint endpoint;
    private Backend upstream;
    private Gateway gateway;
    private Path configFile;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        log = LogCapture.of("");
        cleanup.add(log);
        endpoint = IntrospectionEndpoint.start("gateway", SECRET);
        cleanup.add(endpoint);
        endpoint.active(GOOD, "\"sub\":\"alice\",\"scope\":\"orders.read orders.write\",\"groups\":[\"staff\"],"
                + "\"email\":\"alice@example.com\",\"client_id\":\"shop\"");
        endpoint.active(NO_EMAIL, "\"sub\":\"bob\",\"scope\":\"orders.read\"");
        endpoint.active(READ_ONLY_WRITE, "\"sub\":\"carol\",\"scope\":\"orders.write\"");
        upstream = Backend.start(routing -> routing.any((req, res) -> {
            upstreamHits.incrementAndGet();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (Header header : req.headers()) {
                headers.put(header.name().toLowerCase(java.util.Locale.ROOT), header.allValues());
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(EchoRoutes.JSON.writeValueAsBytes(headers));
        }));
        cleanup.add(upstream);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
        for (LogCapture.Line line : log.lines()) {
            for (String secret : List.of(SECRET, GOOD, NO_EMAIL, READ_ONLY_WRITE, "garbage-token")) {
                assertFalse(line.message().contains(secret), () -> "a secret in the log: " + line);
            }
        }
    }

    private String example(String name) throws Exception {
        return DocExample.yaml(PAGE, name)
                .replace("https://auth.example.com/oauth2/introspect", endpoint.url())
                .replaceAll("http://127\\.0\\.0\\.1:808[0-9]", upstream.url());
    }

    private void startGateway(String yaml) throws Exception {
        Path home = PackagedPlugin.home("gatehouse-plugin-auth-oauth2");
        configFile = home.resolve("gatehouse.yaml");
        Files.writeString(configFile, GatewayFixture.withListeners(yaml));
        gateway = Gateway.start(home, configFile, Map.of("INTROSPECTION_CLIENT_SECRET", SECRET));
        cleanup.add(gateway);
    }

    private void reload(String yaml) throws Exception {
        Gateway.ReloadStatus before = gateway.lastReload();
        Path temp = configFile.resolveSibling("gatehouse.yaml.tmp");
        Files.writeString(temp, GatewayFixture.withListeners(yaml));
        Files.move(temp, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (gateway.lastReload() == before) {
            assertTrue(System.nanoTime() < deadline, "the gateway did not reload within 20 s");
            Thread.sleep(10);
        }
        assertEquals(List.of(), gateway.lastReload().problems());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The request was refused as the problem {@code code}, and the upstream got nothing. */
    private HttpResponse<String> refused(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertProblem(response, code);
        assertFalse(response.body().contains(GOOD) || response.body().contains("garbage-token"));
        assertEquals(0, upstreamHits.get(), "the upstream got nothing");
        return response;
    }

    private JsonNode upstreamSaw(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return EchoRoutes.JSON.readTree(response.body());
    }

    @Test
    void theDocumentedExampleAuthenticatesAndRefuses() throws Exception {
        startGateway(example("introspection"));

        JsonNode seen = upstreamSaw(get("/api/orders/1", "Authorization", "Bearer " + GOOD,
                "X-Consumer-Id", "admin", "X-Consumer-Groups", "admins", "X-User-Email", "root@example.com"));
        assertEquals("[\"alice\"]", seen.get("x-consumer-id").toString(), "the client's X-Consumer-Id is gone");
        assertEquals("[\"oauth2\"]", seen.get("x-consumer-credential").toString());
        assertEquals("[\"staff\"]", seen.get("x-consumer-groups").toString());
        assertEquals("[\"alice@example.com\"]", seen.get("x-user-email").toString());
        assertFalse(seen.has("authorization"), "the token does not reach the upstream");

        JsonNode noEmail = upstreamSaw(get("/api/orders/2", "Authorization", "bearer " + NO_EMAIL,
                "X-User-Email", "root@example.com"));
        assertEquals("[\"bob\"]", noEmail.get("x-consumer-id").toString());
        assertFalse(noEmail.has("x-user-email"), "a client-sent forwarded header never passes");
        assertFalse(noEmail.has("x-consumer-groups"));
        upstreamHits.set(0);

        HttpResponse<String> inactive = refused(get("/api/orders/1", "Authorization", "Bearer garbage-token"),
                401, "invalid_token");
        assertTrue(inactive.headers().firstValue("WWW-Authenticate").orElseThrow()
                .startsWith("Bearer realm=\"orders\", error=\"invalid_token\""));

        HttpResponse<String> scope = refused(get("/api/orders/1", "Authorization", "Bearer " + READ_ONLY_WRITE),
                403, "insufficient_scope");
        String challenge = scope.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.contains("error=\"insufficient_scope\"") && challenge.contains("scope=\"orders.read\""),
                challenge);

        HttpResponse<String> none = refused(get("/api/orders/1", "X-Consumer-Id", "admin"), 401, "unauthorized");
        assertEquals("Bearer realm=\"orders\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());

        refused(get("/api/orders/1", "Authorization", "Bearer " + GOOD, "Authorization", "Bearer " + NO_EMAIL),
                400, "invalid_request");

        assertEquals(1, log.containing("403 insufficient_scope, consumer 'carol' lacks scope orders.read").size(),
                log.lines()::toString);
        assertTrue(endpoint.received().stream().allMatch(call -> "basic".equals(call.clientAuth())),
                "the secret from the environment authenticated every call");
    }

    @Test
    void answersAreCachedAcrossRequestsAndUnchangedReloads() throws Exception {
        String yaml = example("introspection");
        startGateway(yaml);
        for (int i = 0; i < 20; i++) {
            upstreamSaw(get("/api/orders/" + i, "Authorization", "Bearer " + GOOD));
        }
        assertEquals(1, endpoint.calls(), "one call for 20 requests");

        reload(yaml + "  - { id: other, match: { path: /other }, upstream: orders }\n");
        upstreamSaw(get("/api/orders/1", "Authorization", "Bearer " + GOOD));
        assertEquals(1, endpoint.calls(), "a reload that leaves the filter unchanged keeps its cache");

        reload(yaml.replace("realm: orders", "realm: orders-v2"));
        upstreamSaw(get("/api/orders/1", "Authorization", "Bearer " + GOOD));
        assertEquals(2, endpoint.calls(), "a changed filter config starts with an empty cache");
    }

    @Test
    void anEndpointThatIsSlowOrDownIs503NeverAPass() throws Exception {
        startGateway(example("introspection"));
        upstreamSaw(get("/api/orders/1", "Authorization", "Bearer " + GOOD));
        upstreamHits.set(0);

        endpoint.hold();
        refused(get("/api/orders/1", "Authorization", "Bearer " + NO_EMAIL), 503, "introspection_unavailable");
        endpoint.release();
        assertEquals(1, log.containing("no answer from the endpoint within 2000 ms").size(), log.lines()::toString);

        endpoint.close();
        refused(get("/api/orders/1", "Authorization", "Bearer " + NO_EMAIL), 503, "introspection_unavailable");
        assertEquals(1, log.containing("could not connect to the endpoint").size(), log.lines()::toString);

        upstreamSaw(get("/api/orders/1", "Authorization", "Bearer " + GOOD));
        assertEquals(1, upstreamHits.get(), "a cached answer keeps working while the endpoint is down");
    }

    @Test
    void theAnonymousExample() throws Exception {
        startGateway(example("introspection-anonymous"));
        JsonNode guest = upstreamSaw(get("/catalog/items", "X-Consumer-Id", "admin"));
        assertEquals("[\"guest\"]", guest.get("x-consumer-id").toString());
        assertEquals("[\"anonymous\"]", guest.get("x-consumer-credential").toString());

        JsonNode alice = upstreamSaw(get("/catalog/items", "Authorization", "Bearer " + GOOD));
        assertEquals("[\"alice\"]", alice.get("x-consumer-id").toString());
        assertEquals("body", endpoint.received().getLast().clientAuth());
        upstreamHits.set(0);

        refused(get("/catalog/items", "Authorization", "Bearer garbage-token"), 401, "invalid_token");
        endpoint.answer(401, "{\"error\":\"invalid_client\"}");
        refused(get("/catalog/items", "Authorization", "Bearer " + NO_EMAIL), 503, "introspection_unavailable");
    }
}
