package io.gatehouse.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.gatehouse.core.admin.AdminCalls.call;
import static io.gatehouse.core.admin.AdminCalls.json;
import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admin API authentication with the documented token config: no token and an unknown token are 401 with
 * {@code WWW-Authenticate: Bearer}, a read-only token writing is 403, a read-write token does everything and is
 * the audit log's {@code who}; weak tokens refuse to start and are named, never shown.
 */
class AdminAuthIT {

    static final String OPS = "77c5858d0ff18aaede8b4512b9c30f80e8f8155f97979f72";
    static final String VIEWER = "985bfa25ee1437f2556bdf1a73c84e0a447da0fe9057cb02";

    private static GatewayFixture gateway;
    private static LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        log = LogCapture.of("io.gatehouse.core.server");
        String example = DocExample.yaml("docs/admin-api.md", "admin-tokens");
        assertTrue(example.contains(OPS) && example.contains(VIEWER), "the tokens of the docs' example");
        gateway = GatewayFixture.start(example.replace("port: 9080", "port: 0"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        log.close();
    }

    record Case(String who, String authorization, String method, String path, int status, String code) {
    }

    static Stream<Case> matrix() {
        String route = "/routes/auth-matrix";
        return Stream.of(
                new Case("nobody", null, "GET", "/routes", 401, "unauthorized"),
                new Case("wrong", "Bearer " + OPS.replace('7', '8'), "GET", "/routes", 401, "unauthorized"),
                new Case("wrong scheme", "Basic " + OPS, "GET", "/routes", 401, "unauthorized"),
                new Case("prefix", "Bearer " + OPS.substring(0, 30), "GET", "/config", 401, "unauthorized"),
                new Case("viewer", "Bearer " + VIEWER, "GET", "/routes", 200, null),
                new Case("viewer", "bearer " + VIEWER, "GET", "/config/status", 200, null),
                new Case("ops", "Bearer " + OPS, "GET", "/upstreams/demo", 200, null),
                new Case("nobody", null, "PUT", route, 401, "unauthorized"),
                new Case("wrong", "Bearer x", "DELETE", "/routes/hello", 401, "unauthorized"),
                new Case("viewer", "Bearer " + VIEWER, "PUT", route, 403, "forbidden"),
                new Case("viewer", "Bearer " + VIEWER, "DELETE", "/routes/hello", 403, "forbidden"),
                new Case("viewer", "Bearer " + VIEWER, "POST", "/reload", 403, "forbidden"),
                new Case("viewer", "Bearer " + VIEWER, "PUT", "/upstreams/x", 403, "forbidden"),
                new Case("nobody", null, "POST", "/plugins/reload", 401, "unauthorized"),
                new Case("viewer", "Bearer " + VIEWER, "POST", "/plugins/reload", 403, "forbidden"),
                new Case("ops", "Bearer " + OPS, "POST", "/plugins/reload", 0, null),
                new Case("ops", "Bearer " + OPS, "PUT", route, 0, null));
    }

    @ParameterizedTest
    @MethodSource("matrix")
    void theTokenDecides(Case c) throws Exception {
        String body = c.method().equals("PUT") ? "{\"match\": {\"path\": \"/m\"}, \"upstream\": \"demo\"}" : null;
        HttpResponse<String> response = c.authorization() == null
                ? call(gateway, c.method(), c.path(), body, "Content-Type", "application/json")
                : call(gateway, c.method(), c.path(), body, "Content-Type", "application/json",
                "Authorization", c.authorization());
        if (c.status() == 0) {
            assertTrue(response.statusCode() == 200 || response.statusCode() == 201, response.body());
            return;
        }
        assertEquals(c.status(), response.statusCode(), c + " → " + response.body());
        if (c.code() != null) {
            assertProblem(response, c.code());
            assertFalse(response.body().contains(OPS) || response.body().contains(VIEWER), response.body());
        }
        if (c.status() == 401) {
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
                    response.headers().toString());
        } else {
            assertTrue(response.headers().firstValue("WWW-Authenticate").isEmpty());
        }
    }

    @Test
    void refusalsAreLoggedWithTheClientAddressButNotTheToken() throws Exception {
        call(gateway, "GET", "/plugins", null, "Authorization", "Bearer guessed-token-value-1234567890");
        List<LogCapture.Line> lines = log.containing("refused");
        assertFalse(lines.isEmpty());
        assertTrue(lines.getLast().message().contains("127.0.0.1"), lines.toString());
        assertFalse(lines.toString().contains("guessed-token-value"), lines.toString());
    }

    @Test
    void theAuditLogNamesWhoChangedWhat() throws Exception {
        HttpResponse<String> put = call(gateway, "PUT", "/routes/audited", "match: {path: /audited}\nupstream: demo",
                "Content-Type", "application/yaml", "Authorization", "Bearer " + OPS);
        assertEquals(201, put.statusCode(), put.body());
        call(gateway, "PUT", "/routes/audited", "match: {path: nope}\nupstream: demo",
                "Content-Type", "application/yaml", "Authorization", "Bearer " + OPS);
        gateway.reload(Files.readString(gateway.configFile()).replace("/audited", "/audited2"));
        List<JsonNode> lines = auditLines(gateway.home().resolve("logs/audit.log"), 4);
        assertEquals("reload", lines.get(0).get("action").asText());
        assertEquals("startup", lines.get(0).get("target").asText());
        JsonNode applied = lines.get(1);
        assertEquals("ops", applied.get("who").asText());
        assertEquals("put_route", applied.get("action").asText());
        assertEquals("audited", applied.get("target").asText());
        assertEquals("applied", applied.get("result").asText());
        assertTrue(applied.get("before").isNull());
        assertEquals(64, applied.get("after").asText().length());
        assertEquals(json(put).get("generation").asLong(), applied.get("generation").asLong());
        JsonNode rejected = lines.get(2);
        assertEquals("rejected", rejected.get("result").asText());
        assertEquals(400, rejected.get("status").asInt());
        assertTrue(rejected.get("problems").asInt() >= 1);
        JsonNode reload = lines.get(3);
        assertEquals("file", reload.get("who").asText());
        assertEquals("reload", reload.get("action").asText());
        assertEquals("applied", reload.get("result").asText());
        assertFalse(reload.get("before").asText().equals(reload.get("after").asText()));
    }

    static List<JsonNode> auditLines(Path file, int atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            if (lines.size() >= atLeast || System.nanoTime() > deadline) {
                assertTrue(lines.size() >= atLeast, "audit log: " + lines);
                return lines.stream().map(line -> {
                    try {
                        return AdminCalls.JSON.readTree(line);
                    } catch (Exception e) {
                        throw new AssertionError(line, e);
                    }
                }).toList();
            }
            Thread.sleep(20);
        }
    }

    @ParameterizedTest
    @MethodSource("weakTokens")
    void aWeakTokenRefusesToStartNamingItNotShowingIt(String token) throws Exception {
        ConfigException e = refusedToStart("""
                server: { host: 127.0.0.1, port: 0 }
                admin:
                  port: 0
                  tokens: [ { name: deploy-bot, token: "%s", access: read_write } ]
                """.formatted(token));
        assertTrue(e.getMessage().contains("admin.tokens[0].token: admin token 'deploy-bot' is"), e.getMessage());
        if (!token.isBlank()) {
            assertFalse(e.getMessage().contains(token), e.getMessage());
        }
    }

    /** Starts a gateway on {@code yaml}, which must refuse to start; @return why */
    private static ConfigException refusedToStart(String yaml) throws Exception {
        Path home = Files.createTempDirectory("gatehouse-refused");
        Files.createDirectories(home.resolve("plugins"));
        Path file = home.resolve("gatehouse.yaml");
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class, () -> Gateway.start(home, file, Map.of()));
    }

    static Stream<String> weakTokens() {
        return Stream.of("", "   ", "short-token", "edd1c9f034335f136f87ad84b625c8f1", "EDD1C9F034335F136F87AD84B625C8F1",
                "changeme", "password", "ababababababababababababababab", "0000000000000000000000000000",
                "a token with spaces in it 12345");
    }

    @Test
    void oneTokenValueUnderTwoNamesRefusesToStart() throws Exception {
        ConfigException e = refusedToStart("""
                server: { host: 127.0.0.1, port: 0 }
                admin:
                  port: 0
                  tokens:
                    - { name: viewer, token: "%1$s", access: read_only }
                    - { name: deployer, token: "%1$s", access: read_write }
                """.formatted(OPS));
        assertTrue(e.getMessage().contains("admin.tokens[1].token: admin token 'deployer' has the same value as "
                + "'viewer'"), e.getMessage());
        assertFalse(e.getMessage().contains(OPS), e.getMessage());
    }

    @Test
    void aNonLoopbackAdminWithoutATokenRefusesToStart() throws Exception {
        ConfigException e = refusedToStart("server: { host: 127.0.0.1, port: 0 }\nadmin: { host: 0.0.0.0, port: 0 }\n");
        assertTrue(e.getMessage().contains("admin.token: required when admin.host is not a loopback address"),
                e.getMessage());
    }

    @Test
    void anOpenLoopbackAdminAllowsEverythingAsNobody() throws Exception {
        try (GatewayFixture open = GatewayFixture.start("""
                upstreams:
                  up: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } }
                """)) {
            HttpResponse<String> put = call(open, "PUT", "/routes/r", "{\"match\": {\"path\": \"/r\"}, "
                    + "\"upstream\": \"up\"}", "Content-Type", "application/json");
            assertEquals(201, put.statusCode(), put.body());
            List<JsonNode> lines = auditLines(open.home().resolve("logs/audit.log"), 2);
            assertEquals("-", lines.get(1).get("who").asText());
            assertEquals("-", json(open.admin("/config/status")).get("history").get(0).get("who").asText());
        }
    }
}
