package io.gatehouse.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static io.gatehouse.core.admin.AdminCalls.call;
import static io.gatehouse.core.admin.AdminCalls.json;
import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admin API reads: one route or upstream by its name, {@code /config} with secrets redacted (values from the
 * environment, secret-named keys, URL passwords), {@code /config/status} with the reload history, and
 * {@code POST /reload}.
 */
class AdminReadsIT {

    private static final String ENV_SECRET = "value-from-the-environment-7f3a";
    private GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        java.nio.file.Path home = Files.createTempDirectory("gatehouse-reads");
        Files.createDirectories(home.resolve("scripts"));
        Files.writeString(home.resolve("scripts/pass.js"),
                "export function filter(exchange, chain) {\n  return chain.proceed(exchange);\n}\n");
        gateway = GatewayFixture.start(home, """
                admin: { port: 0, tokens: [ { name: ops, token: 0f8c2b6e91d4a735c2e8b1f09d6a4c73, access: read_write } ] }
                upstreams:
                  up:
                    discovery:
                      type: static
                      endpoints:
                        - url: "${UP_URL}"
                          metadata: { zone: eu-1, api_token: literal-secret-in-an-option, db_password: pw-9921 }
                    health: { active: { path: "/health?key=${PROBE_KEY:probe-default-5521}" } }
                routes:
                  - id: r1
                    match: { path: /r1 }
                    upstream: up
                    filters:
                      - script: { file: pass.js, config: { client_secret: filter-option-secret-4410, mode: fast } }
                """, Map.of("UP_URL", "http://user:url-password-3317@127.0.0.1:9", "PROBE_KEY", ENV_SECRET));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return call(gateway, "GET", path, null, "Authorization", "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
    }

    @Test
    void theConfigIsShownWithEverySecretRedacted() throws Exception {
        HttpResponse<String> response = get("/config");
        assertEquals(200, response.statusCode(), response.body());
        for (String secret : new String[] {ENV_SECRET, "filter-option-secret-4410", "probe-default-5521", "literal-secret-in-an-option",
                "pw-9921", "url-password-3317", "0f8c2b6e91d4a735c2e8b1f09d6a4c73"}) {
            assertFalse(response.body().contains(secret), secret + " in " + response.body());
        }
        JsonNode config = json(response).get("config");
        JsonNode endpoint = config.at("/upstreams/up/discovery/endpoints/0");
        assertEquals("<redacted>", endpoint.get("url").asText());
        assertEquals("eu-1", endpoint.at("/metadata/zone").asText());
        assertEquals("<redacted>", endpoint.at("/metadata/api_token").asText());
        assertEquals("<redacted>", config.at("/upstreams/up/health/active/path").asText());
        assertEquals("ops", config.at("/admin/tokens/0/name").asText());
        assertEquals("<redacted>", config.at("/admin/tokens/0/token").asText());
        assertEquals("/r1", config.at("/routes/0/match/path").asText());
        JsonNode filterConfig = config.at("/routes/0/filters/0/script/config");
        assertEquals("<redacted>", filterConfig.get("client_secret").asText());
        assertEquals("fast", filterConfig.get("mode").asText());
        assertTrue(response.headers().firstValue("ETag").isPresent());
    }

    @Test
    void oneRouteOrUpstreamByName() throws Exception {
        HttpResponse<String> route = get("/routes/r1");
        assertEquals(200, route.statusCode(), route.body());
        assertEquals("/r1", json(route).get("path").asText());
        assertEquals(gateway.gateway().etag(), route.headers().firstValue("ETag").orElse(null));
        assertTrue(gateway.gateway().etag().matches("\"" + gateway.gateway().generation() + "-[0-9a-f]{16}\""));
        HttpResponse<String> upstream = get("/upstreams/up");
        assertEquals("up", json(upstream).get("name").asText());
        assertEquals("eu-1", json(upstream).at("/endpoints/0/metadata/zone").asText());
        assertEquals("<redacted>", json(upstream).at("/endpoints/0/metadata/api_token").asText());
        assertFalse(get("/upstreams").body().contains("pw-9921"));
        HttpResponse<String> missing = get("/routes/nope");
        assertEquals(404, missing.statusCode());
        assertProblem(missing, "not_found");
        assertEquals(404, get("/upstreams/nope").statusCode());
        HttpResponse<String> wrongMethod = call(gateway, "PATCH", "/routes/r1", null, "Authorization",
                "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("GET, PUT, DELETE", wrongMethod.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void reloadsAreInTheStatusHistory() throws Exception {
        String file = Files.readString(gateway.configFile());
        Files.writeString(gateway.configFile(), file.replace("/r1", "/r1b"));
        HttpResponse<String> reload = call(gateway, "POST", "/reload", null, "Authorization",
                "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
        assertEquals(200, reload.statusCode(), reload.body());
        assertEquals("applied", json(reload).get("result").asText());
        assertEquals("/r1b", json(get("/routes/r1")).get("path").asText());

        Files.writeString(gateway.configFile(), file.replace("upstream: up\n", "upstream: gone\n"));
        HttpResponse<String> rejected = call(gateway, "POST", "/reload", null, "Authorization",
                "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
        assertEquals(422, rejected.statusCode(), rejected.body());
        assertProblem(rejected, "config_rejected");
        assertEquals("routes[0].upstream", json(rejected).at("/errors/0/path").asText());

        JsonNode status = json(get("/config/status"));
        assertFalse(status.get("last_reload_ok").asBoolean());
        JsonNode history = status.get("history");
        assertEquals("startup", history.get(history.size() - 1).get("source").asText());
        // the file watcher may reload the same edits too: look for the API's entries
        boolean apiApplied = false;
        boolean apiRejected = false;
        for (JsonNode entry : history) {
            boolean api = entry.get("source").asText().equals("api") && entry.get("who").asText().equals("ops");
            apiApplied |= api && entry.get("result").asText().equals("applied");
            apiRejected |= api && entry.get("result").asText().equals("rejected")
                    && entry.get("problems").get(0).asText().startsWith("routes[0].upstream: ");
        }
        assertTrue(apiApplied && apiRejected, history.toString());
    }

    @Test
    void anEnvReferenceInAWriteIsWrittenAsSuchAndRedacted() throws Exception {
        HttpResponse<String> put = call(gateway, "PUT", "/upstreams/second", """
                {"discovery": {"type": "static", "endpoints": [{"url": "${UP_URL}"}]}}""",
                "Content-Type", "application/json", "Authorization", "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
        assertEquals(201, put.statusCode(), put.body());
        String file = Files.readString(gateway.configFile());
        assertTrue(file.contains("url: ${UP_URL}") || file.contains("url: \"${UP_URL}\""), file);
        assertFalse(file.contains("url-password-3317"), file);
        HttpResponse<String> config = get("/config");
        assertFalse(config.body().contains("url-password-3317"), config.body());
        assertEquals("<redacted>", json(config).at("/config/upstreams/second/discovery/endpoints/0/url").asText());
    }

    @Test
    void aWriteCannotReferToAVariableTheFileDoesNotUse() throws Exception {
        String before = Files.readString(gateway.configFile());
        for (String url : List.of("${HOME}", "http://h/${PATH:x}", "\\u0024{HOME}")) {
            HttpResponse<String> put = call(gateway, "PUT", "/upstreams/second", """
                    {"discovery": {"type": "static", "endpoints": [{"url": "%s"}]}}""".formatted(url),
                    "Content-Type", "application/json", "Authorization", "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
            assertEquals(422, put.statusCode(), put.body());
            assertProblem(put, "env_reference_refused");
        }
        HttpResponse<String> yaml = call(gateway, "PUT", "/routes/leak", """
                match: { path: /leak }
                upstream: up
                filters: [ { headers: { request: { set: { X-Leak: "${HOME}" } } } } ]
                """, "Content-Type", "application/yaml", "Authorization", "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
        assertEquals(422, yaml.statusCode(), yaml.body());
        assertProblem(yaml, "env_reference_refused");
        assertEquals(before, Files.readString(gateway.configFile()), "nothing written");
        assertEquals(404, get("/routes/leak").statusCode());
        HttpResponse<String> literal = call(gateway, "PUT", "/upstreams/second", """
                {"discovery": {"type": "static", "endpoints": [{"url": "http://127.0.0.1:9",
                  "metadata": {"note": "a literal $${HOME}"}}]}}""",
                "Content-Type", "application/json", "Authorization", "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
        assertEquals(201, literal.statusCode(), literal.body());
    }

    @Test
    void aNameInThePathCannotCarryAReferenceNorAnyOtherSyntax() throws Exception {
        String before = Files.readString(gateway.configFile());
        for (String name : List.of("%24%7BHOME%7D", "%24%7BUP_URL%7D", "a%20b", "..", "a%0Ab", "-x", "x".repeat(129))) {
            HttpResponse<String> route = call(gateway, "PUT", "/routes/" + name,
                    "{\"match\": {\"path\": \"/p\"}, \"upstream\": \"up\"}",
                    "Content-Type", "application/json", "Authorization", "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
            assertTrue(route.statusCode() == 400 || route.statusCode() == 404, name + ": " + route.body());
            HttpResponse<String> upstream = call(gateway, "PUT", "/upstreams/" + name,
                    "{\"discovery\": {\"type\": \"static\", \"endpoints\": [{\"url\": \"http://127.0.0.1:9\"}]}}",
                    "Content-Type", "application/json", "Authorization", "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
            assertTrue(upstream.statusCode() == 400 || upstream.statusCode() == 404, name + ": " + upstream.body());
        }
        assertEquals(before, Files.readString(gateway.configFile()), "nothing written");
        // a name the file uses as a map key does not make its ${...} spelling usable in values
        assertFalse(json(get("/routes")).toString().contains("/root"));
    }

    @Test
    void referencesInCommentsOrKeysOfTheFileDoNotCount() throws Exception {
        gateway.reload(Files.readString(gateway.configFile()).replace("admin:", "# uses ${HOME}\nadmin:"));
        HttpResponse<String> put = call(gateway, "PUT", "/upstreams/second", """
                {"discovery": {"type": "static", "endpoints": [{"url": "http://127.0.0.1:9",
                  "metadata": {"note": "${HOME}"}}]}}""",
                "Content-Type", "application/json", "Authorization", "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
        assertEquals(422, put.statusCode(), put.body());
    }

    @Test
    void refusedWritesAreAuditedToo() throws Exception {
        String bearer = "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73";
        call(gateway, "PUT", "/routes/a", "{bad json", "Content-Type", "application/json", "Authorization", bearer);
        call(gateway, "PUT", "/routes/b", "x", "Content-Type", "text/plain", "Authorization", bearer);
        call(gateway, "PUT", "/routes/c", "{\"match\": {\"path\": \"${HOME}\"}}", "Content-Type",
                "application/json", "Authorization", bearer);
        StringBuilder deep = new StringBuilder();
        deep.append("[".repeat(5000)).append("]".repeat(5000));
        HttpResponse<String> nested = call(gateway, "PUT", "/routes/d", deep.toString(), "Content-Type",
                "application/json", "Authorization", bearer);
        assertEquals(400, nested.statusCode(), nested.body());
        HttpResponse<String> duplicate = call(gateway, "PUT", "/routes/e", "match: { path: /e }\nupstream: up\n"
                + "upstream: up\n", "Content-Type", "application/yaml", "Authorization", bearer);
        assertEquals(400, duplicate.statusCode(), duplicate.body());
        HttpResponse<String> huge = call(gateway, "PUT", "/routes/f", "match: { path: /f }\nupstream: up\n"
                + "strip_prefix: " + "9".repeat(900_000) + "\n", "Content-Type", "application/yaml",
                "Authorization", bearer);
        assertEquals(400, huge.statusCode(), huge.body().substring(0, Math.min(500, huge.body().length())));
        assertTrue(huge.body().length() < 2000, "the number is not echoed back");
        java.nio.file.Path audit = gateway.home().resolve("logs/audit.log");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = Files.readAllLines(audit).stream().filter(l -> l.contains("\"put_route\"")).toList();
            if (lines.size() >= 6) {
                break;
            }
            Thread.sleep(20);
        }
        for (String target : List.of("a", "b", "c", "d", "e", "f")) {
            assertTrue(lines.stream().anyMatch(l -> l.contains("\"target\":\"" + target + "\"")
                    && l.contains("\"rejected\"") && l.contains("\"who\":\"ops\"")), target + " in " + lines);
        }
    }

    @Test
    void problemsShownToReadersDoNotRepeatSecrets() throws Exception {
        gateway.reload(Files.readString(gateway.configFile()).replace("routes:", """
                  leaky:
                    discovery: { type: static, endpoints: [ { url: "http://svc:${PROBE_KEY}@127.0.0.1:notaport" } ] }
                  plain:
                    discovery: { type: static, endpoints: [ { url: "http://user:hunter2pass@127.0.0.1:notaport" } ] }
                routes:"""));
        String status = get("/config/status").body();
        assertTrue(status.contains("upstreams.leaky"), status);
        assertFalse(status.contains(ENV_SECRET), status);
        assertFalse(status.contains("hunter2pass"), status);
        HttpResponse<String> reload = call(gateway, "POST", "/reload", "", "Authorization",
                "Bearer 0f8c2b6e91d4a735c2e8b1f09d6a4c73");
        assertEquals(422, reload.statusCode(), reload.body());
        assertFalse(reload.body().contains(ENV_SECRET) || reload.body().contains("hunter2pass"), reload.body());
    }

    @Test
    void headerStyleSecretNamesAreRedacted() {
        for (String name : List.of("X-API-Key", "Api-Key", "api-key", "Cookie", "X-Auth-Key", "X-Access-Key",
                "Proxy-Authorization", "X-Client-Secret", "Set-Cookie", "X-Session-Id")) {
            assertTrue(ConfigView.secretKey(name), name);
        }
        for (String name : List.of("key", "zone", "path", "Content-Type", "X-Request-Id")) {
            assertFalse(ConfigView.secretKey(name), name);
        }
    }
}
