package io.gatehouse.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.gatehouse.core.admin.AdminCalls.call;
import static io.gatehouse.core.admin.AdminCalls.json;
import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admin API writes: a route or upstream put or deleted serves at once, is written back to the config file
 * (comments and {@code ${VAR}} references elsewhere kept) and survives a restart; a bad body changes nothing and
 * names every problem; stale {@code If-Match} is 412; an upstream in use cannot be deleted.
 */
class AdminWritesIT {

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private Backend backend;
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        backend = Backend.start(routing -> routing.any((req, res) -> {
            seen.add(req.path().rawPath());
            res.send("from backend");
        }));
        gateway = GatewayFixture.start(config(backend.url()));
    }

    static String config(String backendUrl) {
        return """
                # the gateway's config; this comment stays
                upstreams:
                  # the backend, comment kept
                  up: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  other:
                    discovery: { type: static, endpoints: [ { url: "${OTHER_URL:http://127.0.0.1:9}" } ] }
                routes:
                  - id: old   # trailing comment
                    match: { path: /old }
                    upstream: up
                """.formatted(backendUrl);
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void aPutRouteServesAtOnceAndIsWrittenBackWithCommentsAndEnvReferencesKept() throws Exception {
        HttpResponse<String> put = call(gateway, "PUT", "/routes/added", """
                {"match": {"path": "/added"}, "upstream": "up"}""", "Content-Type", "application/json");
        assertEquals(201, put.statusCode(), put.body());
        assertEquals("applied", json(put).get("result").asText());
        assertEquals(gateway.gateway().etag(), put.headers().firstValue("ETag").orElse(null));
        assertTrue(gateway.gateway().etag().startsWith("\"" + json(put).get("generation").asLong() + "-"));

        HttpResponse<String> served = gateway.get("/added");
        assertEquals(200, served.statusCode(), served.body());
        assertTrue(seen.contains("/added"), seen.toString());

        String file = Files.readString(gateway.configFile());
        assertTrue(file.contains("id: added"), file);
        assertTrue(file.contains("# the gateway's config; this comment stays"), file);
        assertTrue(file.contains("# the backend, comment kept"), file);
        assertTrue(file.contains("# trailing comment"), file);
        assertTrue(file.contains("${OTHER_URL:http://127.0.0.1:9}"), file);
        // the watcher sees the write-back but does not reload it; it does reload the next edit
        assertTrue(gateway.reload(file.replace("/old", "/older")).applied());
        List<String> sources = new ArrayList<>();
        json(gateway.admin("/config/status")).get("history").forEach(e -> sources.add(e.get("source").asText()));
        assertEquals(List.of("file", "api", "startup"), sources);
    }

    @Test
    void adminWritesSurviveARestart() throws Exception {
        call(gateway, "PUT", "/routes/kept", """
                match: { path: /kept }
                upstream: up
                """, "Content-Type", "application/yaml");
        call(gateway, "DELETE", "/routes/old", null);
        gateway.close();
        gateway = GatewayFixture.start(gateway.home(), Files.readString(gateway.configFile()));
        assertEquals(200, gateway.get("/kept").statusCode());
        assertEquals(404, gateway.get("/old").statusCode());
        assertEquals(404, gateway.admin("/routes/old").statusCode());
        assertEquals("kept", json(gateway.admin("/routes/kept")).get("id").asText());
    }

    @Test
    void anInvalidBodyNamesEveryProblemAndChangesNothing() throws Exception {
        String before = Files.readString(gateway.configFile());
        long generation = gateway.gateway().generation();
        HttpResponse<String> put = call(gateway, "PUT", "/routes/bad", """
                {"match": {"path": "no-slash"}, "upstream": "missing", "colour": "red"}""",
                "Content-Type", "application/json");
        assertEquals(400, put.statusCode(), put.body());
        assertProblem(put, "invalid_config");
        List<String> paths = new ArrayList<>();
        json(put).get("errors").forEach(e -> paths.add(e.get("path").asText()));
        assertTrue(paths.contains("routes[1].colour"), paths.toString());
        assertTrue(paths.contains("routes[1].upstream"), paths.toString());
        assertTrue(paths.contains("routes[1].match.path"), paths.toString());
        assertEquals(before, Files.readString(gateway.configFile()));
        assertEquals(generation, gateway.gateway().generation());
        assertEquals(404, gateway.get("/bad").statusCode());
    }

    @Test
    void malformedBodiesAndMediaTypesAreRefused() throws Exception {
        record Case(String contentType, String body, int status, String code) {
        }
        for (Case c : List.of(
                new Case("application/json", "{\"match\": ", 400, "invalid_body"),
                new Case("application/json", "[1, 2]", 400, "invalid_body"),
                new Case("application/json", "", 400, "invalid_body"),
                new Case("application/yaml", "a: [", 400, "invalid_body"),
                new Case("text/yaml", "id: other\nupstream: up", 400, "invalid_body"),
                new Case("text/plain", "{}", 415, "unsupported_media_type"),
                new Case("application/json", "{\"a\": \"" + "x".repeat(1024 * 1024) + "\"}", 413,
                        "body_too_large"))) {
            String before = Files.readString(gateway.configFile());
            HttpResponse<String> put = call(gateway, "PUT", "/routes/r", c.body(), "Content-Type", c.contentType());
            assertEquals(c.status(), put.statusCode(), c + " → " + put.body());
            assertProblem(put, c.code());
            assertEquals(before, Files.readString(gateway.configFile()), c.toString());
        }
    }

    @Test
    void aStaleIfMatchIsRefused() throws Exception {
        String etag = gateway.admin("/routes").headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> first = call(gateway, "PUT", "/routes/a", "{\"match\": {\"path\": \"/a\"}, "
                + "\"upstream\": \"up\"}", "Content-Type", "application/json", "If-Match", etag);
        assertEquals(201, first.statusCode(), first.body());
        HttpResponse<String> second = call(gateway, "PUT", "/routes/b", "{\"match\": {\"path\": \"/b\"}, "
                + "\"upstream\": \"up\"}", "Content-Type", "application/json", "If-Match", etag);
        assertEquals(412, second.statusCode(), second.body());
        assertProblem(second, "stale");
        assertEquals(404, gateway.get("/b").statusCode());
        HttpResponse<String> madeUp = call(gateway, "DELETE", "/routes/a", null, "If-Match",
                "\"" + gateway.gateway().generation() + "-0000000000000000\"");
        assertEquals(412, madeUp.statusCode(), "the generation alone does not match: " + madeUp.body());
        assertEquals(gateway.gateway().etag(), madeUp.headers().firstValue("ETag").orElse(null));
        // If-Match on two lines is one list (RFC 9110 §5.3): the current tag among them matches
        HttpResponse<String> fresh = call(gateway, "DELETE", "/routes/a", null, "If-Match", etag, "If-Match",
                first.headers().firstValue("ETag").orElseThrow());
        assertEquals(200, fresh.statusCode(), fresh.body());
        assertEquals(404, gateway.get("/a").statusCode());
    }

    @Test
    void upstreamsArePutAndDeletedButNotWhileARouteUsesThem() throws Exception {
        HttpResponse<String> inUse = call(gateway, "DELETE", "/upstreams/up", null);
        assertEquals(409, inUse.statusCode(), inUse.body());
        assertProblem(inUse, "upstream_in_use");
        assertTrue(json(inUse).get("detail").asText().contains("old"), inUse.body());

        HttpResponse<String> put = call(gateway, "PUT", "/upstreams/third", """
                discovery: { type: static, endpoints: [ { url: "%s" } ] }
                """.formatted(backend.url()), "Content-Type", "application/x-yaml");
        assertEquals(201, put.statusCode(), put.body());
        assertEquals("third", json(gateway.admin("/upstreams/third")).get("name").asText());
        HttpResponse<String> deleted = call(gateway, "DELETE", "/upstreams/third", null);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(404, gateway.admin("/upstreams/third").statusCode());
        assertEquals(404, call(gateway, "DELETE", "/upstreams/third", null).statusCode());
        assertEquals(404, call(gateway, "DELETE", "/routes/none", null).statusCode());
    }

    @Test
    void concurrentPutsAreBothAppliedOrOneIsStaleNeverLost() throws Exception {
        String etag = gateway.admin("/routes").headers().firstValue("ETag").orElseThrow();
        List<HttpResponse<String>> conditional = runTogether(etag);
        long applied = conditional.stream().filter(r -> r.statusCode() == 201).count();
        long stale = conditional.stream().filter(r -> r.statusCode() == 412).count();
        assertEquals(1, applied, conditional.toString());
        assertEquals(1, stale, conditional.toString());

        List<HttpResponse<String>> unconditional = runTogether(null);
        unconditional.forEach(r -> assertNotEquals(412, r.statusCode()));
        for (String id : List.of("t0", "t1")) {
            assertEquals(200, gateway.admin("/routes/" + id).statusCode(), id);
            assertTrue(Files.readString(gateway.configFile()).contains("id: " + id));
        }
    }

    private List<HttpResponse<String>> runTogether(String etag) throws Exception {
        List<HttpResponse<String>> responses = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = "t" + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    String[] headers = etag == null ? new String[] {"Content-Type", "application/json"}
                            : new String[] {"Content-Type", "application/json", "If-Match", etag};
                    responses.add(call(gateway, "PUT", "/routes/" + id, "{\"match\": {\"path\": \"/" + id
                            + "\"}, \"upstream\": \"up\"}", headers));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(2, responses.size());
        return responses;
    }

    @Test
    void aFileEditThatIsNotServingBlocksWrites() throws Exception {
        assertFalse(gateway.reload("routes: [ { id: x } ]").applied());
        HttpResponse<String> put = call(gateway, "PUT", "/routes/y", "{\"match\": {\"path\": \"/y\"}, "
                + "\"upstream\": \"up\"}", "Content-Type", "application/json");
        assertEquals(409, put.statusCode(), put.body());
        assertProblem(put, "config_file_changed");
        JsonNode status = json(gateway.admin("/config/status"));
        assertFalse(status.get("last_reload_ok").asBoolean());
        assertEquals(Map.of(), Map.of());
    }
}
