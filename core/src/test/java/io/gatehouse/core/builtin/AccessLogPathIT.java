package io.gatehouse.core.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Gateway;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code access_log.file} stays inside the gateway home: a path leading out is a config error with its path at
 * startup, on a file reload and in an admin API write, and nothing is created; a folder the operator symlinked
 * ({@code logs/} to somewhere else) is used as it is.
 */
class AccessLogPathIT {

    @TempDir
    Path dir;

    private static String config(String upstreamUrl, String filters) {
        return """
                upstreams:
                  app: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - id: app
                    match: { path: /app }
                    upstream: app
                    filters: %s
                """.formatted(upstreamUrl, filters);
    }

    @Test
    void aFileLeadingOutOfTheHomeIsRefusedAtStartupAndNothingIsCreated() throws Exception {
        Path home = dir.resolve("home");
        try (RawUpstream upstream = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> GatewayFixture.start(home, config(
                    upstream.url(), "[ { access_log: { file: ../escape.log, max_size: 1, max_files: 0 } } ]"))
                    .close());
            List<String> problems = e.problems().stream().map(Problem::toString).toList();
            assertTrue(problems.stream().anyMatch(p -> p.startsWith("routes[0].filters[0].access_log.file: "
                    + "must be a path inside the gateway home") && p.endsWith("(got ../escape.log)")),
                    problems.toString());
            ConfigException absolute = assertThrows(ConfigException.class, () -> GatewayFixture.start(home,
                    config(upstream.url(), "[ { access_log: { file: \"" + dir.resolve("abs.log") + "\" } } ]"))
                    .close());
            assertEquals(List.of("routes[0].filters[0].access_log.file"),
                    absolute.problems().stream().map(Problem::path).toList());
        }
        assertFalse(Files.exists(dir.resolve("escape.log")));
        assertFalse(Files.exists(dir.resolve("abs.log")));
    }

    @Test
    void aFileReloadAndAnAdminPutLeadingOutAreRefusedWithThePathAndCreateNothing() throws Exception {
        Path home = dir.resolve("home");
        try (RawUpstream upstream = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"));
             GatewayFixture gateway = GatewayFixture.start(home, config(upstream.url(), "[]"))) {
            Gateway.ReloadStatus reload = gateway.reload(config(upstream.url(),
                    "[ { access_log: { file: a/../../reloaded.log } } ]"));
            assertFalse(reload.applied());
            assertEquals(List.of("routes[0].filters[0].access_log.file"),
                    reload.problems().stream().map(Problem::path).toList());
            assertTrue(gateway.reload(config(upstream.url(), "[]")).applied(), "the file fixed again");

            String before = Files.readString(gateway.configFile());
            long generation = gateway.gateway().generation();
            HttpResponse<String> put = gateway.client().send(HttpRequest.newBuilder(gateway.adminUri("/routes/x"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("""
                            {"match": {"path": "/x"}, "upstream": "app", "filters": [
                              {"access_log": {"file": "../victim.txt", "max_size": 1, "max_files": 0}}]}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, put.statusCode(), put.body());
            assertProblem(put, "invalid_config");
            JsonNode errors = AccessLogFieldsIT.JSON.readTree(put.body()).get("errors");
            assertEquals(1, errors.size(), put.body());
            assertEquals("routes[1].filters[0].access_log.file", errors.get(0).get("path").asText());
            assertTrue(errors.get(0).get("detail").asText().contains("(got ../victim.txt)"), put.body());
            assertEquals(before, Files.readString(gateway.configFile()));
            assertEquals(generation, gateway.gateway().generation(), "nothing applied");
            assertEquals(404, gateway.get("/x").statusCode());
        }
        assertFalse(Files.exists(dir.resolve("victim.txt")));
        assertFalse(Files.exists(dir.resolve("reloaded.log")));
    }

    @Test
    void aFileUnderTheHomeIsWrittenAndASymlinkedLogsFolderIsFollowed() throws Exception {
        Path home = dir.resolve("home");
        Path outside = Files.createDirectories(dir.resolve("var-log-gatehouse"));
        Files.createDirectories(home);
        Files.createSymbolicLink(home.resolve("logs"), outside);
        try (RawUpstream upstream = RawUpstream.start(r -> RawUpstream.Reply.ok("ok"));
             GatewayFixture gateway = GatewayFixture.start(home, config(upstream.url(),
                     "[ request_id, { access_log: { file: logs/access.log } } ]"))) {
            gateway.send("GET", "/app", "X-Request-Id", "path-1");
            JsonNode line = AccessLogFieldsIT.awaitLine(outside.resolve("access.log"), "path-1");
            assertEquals(200, line.get("status").asInt());
        }
    }
}
