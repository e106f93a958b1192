package io.gatehouse.plugins.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.PackagedPlugin;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static io.gatehouse.plugins.grpc.TranscodeIT.JSON;
import static io.gatehouse.plugins.grpc.TranscodeIT.send;
import static io.gatehouse.plugins.grpc.TranscodeStreamingIT.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schema fetched by server reflection (no descriptor set): used once fetched, 503 saying why until then,
 * recovered once a server with reflection answers; and a descriptor set that cannot be used fails the config.
 */
class ReflectionIT {

    private static String config(String url) {
        return """
                upstreams:
                  echo:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    transport: { type: grpc, reflection_retry: 200ms }
                routes:
                  - { id: api, match: { path: /*rest }, upstream: echo, timeout: 5s }
                """.formatted(url);
    }

    /** A gateway with the packaged plugin. */
    private static GatewayFixture gateway(String yaml) throws Exception {
        return GatewayFixture.start(PackagedPlugin.home("gatehouse-plugin-grpc"), yaml);
    }

    private static HttpResponse<String> until200(GatewayFixture gateway, String method, String path, String body)
            throws Exception {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        poll(() -> {
            try {
                last.set(send(gateway, method, path, body));
                return last.get().statusCode() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "200 from " + path + "; last: " + (last.get() == null ? "none" : last.get().body()));
        return last.get();
    }

    @Test
    void schemaFromReflection() throws Exception {
        try (EchoServer server = EchoServer.start("r");
             GatewayFixture gateway = gateway(config(server.url()))) {
            HttpResponse<String> say = until200(gateway, "GET", "/v1/greetings/ann", null);
            assertEquals("hello ann", JSON.readTree(say.body()).get("message").asText());
            HttpResponse<String> plain = send(gateway, "POST", "/gatehouse.test.Plain/Echo", "{\"name\":\"bo\"}");
            assertEquals(200, plain.statusCode(), plain.body());
            HttpResponse<String> book = send(gateway, "GET", "/v1/shelves/s/books/b:title", null);
            assertEquals("\"Title of shelves/s/books/b\"", book.body(), "google.api.http read from reflection");
            HttpResponse<String> hidden = send(gateway, "POST",
                    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "{}");
            assertEquals(404, hidden.statusCode(), "the reflection service is not exposed");
            HttpResponse<String> fail = send(gateway, "POST", "/v1/fail/5", "{\"message\":\"gone\"}");
            assertEquals(404, fail.statusCode());
            assertEquals("TEST_REASON", JSON.readTree(fail.body()).get("details").get(0).get("reason").asText());
        }
    }

    @Test
    void olderReflectionServiceV1Alpha() throws Exception {
        try (EchoServer server = EchoServer.withReflectionV1Alpha("old");
             GatewayFixture gateway = gateway(config(server.url()))) {
            HttpResponse<String> say = until200(gateway, "GET", "/v1/greetings/ann", null);
            assertEquals("old", JSON.readTree(say.body()).get("server").asText());
        }
    }

    @Test
    void unavailableUntilAServerWithReflectionAnswers() throws Exception {
        int port = TranscodeStreamingIT.unusedPort();
        try (GatewayFixture gateway = gateway(config("http://127.0.0.1:" + port))) {
            HttpResponse<String> before = send(gateway, "GET", "/v1/greetings/ann", null);
            assertEquals(503, before.statusCode(), before.body());
            assertProblem(before, "grpc_schema_unavailable");
            assertEquals("1", before.headers().firstValue("retry-after").orElse(""), "reflection_retry, rounded up");
            JsonNode problem = JSON.readTree(before.body());
            String detail = problem.get("detail").asText();
            assertTrue((detail.contains("reflection failed") && !detail.contains("127.0.0.1")) || detail.contains("not run yet"),
                    detail);
            String upstreams = gateway.admin("/upstreams").body();
            assertTrue(!upstreams.contains("ejected"), "no schema yet is nobody's failure: " + upstreams);
            try (EchoServer late = EchoServer.start("late", port)) {
                HttpResponse<String> after = until200(gateway, "GET", "/v1/greetings/ann", null);
                assertEquals("late", JSON.readTree(after.body()).get("server").asText());
            }
        }
    }

    @Test
    void reloadRefreshesAndAFailedRefreshKeepsTheSchema() throws Exception {
        int port = TranscodeStreamingIT.unusedPort();
        String yaml = config("http://127.0.0.1:" + port);
        try (LogCapture log = LogCapture.of("gatehouse.transport.grpc")) {
            EchoServer first = EchoServer.start("first", port);
            try (GatewayFixture gateway = gateway(yaml)) {
                until200(gateway, "GET", "/v1/greetings/ann", null);
                first.close();
                String reloaded = yaml + "  - { id: other, match: { path: /other }, upstream: echo }\n";
                assertTrue(gateway.reload(reloaded).problems().isEmpty());
                poll(() -> !log.containing("keeping the schema fetched before").isEmpty(),
                        "the reload's refresh failed and said it keeps the schema; log: " + log.lines());
                HttpResponse<String> down = send(gateway, "GET", "/v1/greetings/ann", null);
                assertEquals(503, down.statusCode(), down.body());
                assertProblem(down, "grpc_unavailable");
                try (EchoServer second = EchoServer.start("second", port)) {
                    HttpResponse<String> back = until200(gateway, "GET", "/v1/greetings/ann", null);
                    assertEquals("second", JSON.readTree(back.body()).get("server").asText());
                    int fetched = log.containing("schema fetched by reflection").size();
                    assertTrue(gateway.reload(yaml).problems().isEmpty());
                    poll(() -> log.containing("schema fetched by reflection").size() > fetched,
                            "a reload fetches the schema again");
                }
            } finally {
                first.close();
            }
        }
    }

    @Test
    void noSchemaNoTranscoding() throws Exception {
        try (EchoServer server = EchoServer.start("s");
             GatewayFixture gateway = gateway(config(server.url())
                     .replace("reflection_retry: 200ms", "reflection: false"))) {
            HttpResponse<String> response = send(gateway, "GET", "/v1/greetings/ann", null);
            assertEquals(415, response.statusCode(), response.body());
            assertProblem(response, "grpc_transcoding_disabled");
            assertEquals(0, server.calls.get());
        }
    }

    @Test
    void serverWithoutReflectionSaysSo() throws Exception {
        try (EchoServer server = EchoServer.withoutReflection("n");
             GatewayFixture gateway = gateway(config(server.url()))) {
            AtomicReference<String> detail = new AtomicReference<>("");
            poll(() -> {
                try {
                    HttpResponse<String> response = send(gateway, "GET", "/v1/greetings/ann", null);
                    assertEquals(503, response.statusCode(), response.body());
                    detail.set(JSON.readTree(response.body()).get("detail").asText());
                    return detail.get().contains("no reflection service");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "a 503 naming the missing reflection service; last: " + detail.get());
            assertTrue(detail.get().contains("reflection failed") && !detail.get().contains(server.url()), detail.get());
            assertEquals(0, server.received.size());
        }
    }

    @Test
    void unusableDescriptorSetFailsTheConfig() throws Exception {
        Path home = PackagedPlugin.home("gatehouse-plugin-grpc");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/garbage.pb"), "this is not a descriptor set");
        for (String file : new String[] {"conf/missing.pb", "conf/garbage.pb"}) {
            String yaml = """
                    upstreams:
                      echo:
                        discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:1" } ] }
                        transport: { type: grpc, descriptor_set: %s }
                    routes:
                      - { id: api, match: { path: /*rest }, upstream: echo }
                    """.formatted(file);
            Exception refused = assertThrows(Exception.class, () -> GatewayFixture.start(home, yaml).close());
            assertTrue(refused.getMessage().contains(file.substring(5)), refused.getMessage());
        }
    }
}
