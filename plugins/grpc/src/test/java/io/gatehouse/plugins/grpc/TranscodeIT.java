package io.gatehouse.plugins.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.PackagedPlugin;
import io.gatehouse.plugins.grpc.test.Book;
import io.gatehouse.plugins.grpc.test.FailRequest;
import io.gatehouse.plugins.grpc.test.Number;
import io.gatehouse.plugins.grpc.test.SayRequest;
import io.gatehouse.plugins.grpc.test.SearchRequest;
import io.gatehouse.plugins.grpc.test.Thing;
import io.gatehouse.plugins.grpc.test.UpdateBookRequest;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transcoded unary calls through a real gateway (the packaged plugin) to a real grpc-java server without reflection,
 * its schema from the descriptor set protoc made in the build: bindings, request messages from body, path and
 * query, JSON of well-known types, the status table and problem documents, refusals that never reach the server.
 */
class TranscodeIT {

    static final ObjectMapper JSON = new ObjectMapper();
    private static EchoServer server;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        server = EchoServer.withoutReflection("a");
        gateway = GatewayFixture.start(home(), config(server.url(), ""));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        server.close();
    }

    @BeforeEach
    void clear() {
        server.received.clear();
        server.metadata.clear();
    }

    /** A home with the plugin and the tests' descriptor set at conf/echo.pb. */
    static Path home() throws Exception {
        Path home = PackagedPlugin.home("gatehouse-plugin-grpc");
        Files.createDirectories(home.resolve("conf"));
        Files.copy(Path.of("target/test-classes/descriptors/test.pb"), home.resolve("conf/echo.pb"));
        return home;
    }

    /** An upstream of the given endpoint with the descriptor set, and a route taking every path. */
    static String config(String url, String transportExtra) {
        return """
                upstreams:
                  echo:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    transport: { type: grpc, descriptor_set: conf/echo.pb, request_headers: [ x-tenant ],
                                 response_headers: [ x-echo-header, x-echo-trailer ], max_message_size: 4096 %s }
                routes:
                  - { id: api, match: { path: /*rest }, upstream: echo, timeout: 10s }
                """.formatted(url, transportExtra);
    }

    static HttpResponse<String> send(GatewayFixture gateway, String method, String path, String body,
                                     String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        return send(gateway, method, path, body, headers);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void getWithThePathVariable() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/greetings/ann%20lee", null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        assertEquals(JSON.readTree("{\"message\":\"hello ann lee\",\"server\":\"a\"}"), json(response));
        assertEquals(List.of(SayRequest.newBuilder().setName("ann lee").build()), server.received);
    }

    @Test
    void additionalBindingPostsTheWholeMessage() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/greetings", "{\"name\":\"bo\",\"times\":2}",
                "Content-Type", "application/json");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("hello bo hello bo", json(response).get("message").asText());
        assertEquals(List.of(SayRequest.newBuilder().setName("bo").setTimes(2).build()), server.received);
    }

    @Test
    void methodWithoutAnnotationsIsPostedByItsName() throws Exception {
        HttpResponse<String> response = send("POST", "/gatehouse.test.Plain/Echo", "{\"name\":\"cy\"}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("plain cy", json(response).get("message").asText());
        assertEquals(List.of(SayRequest.newBuilder().setName("cy").build()), server.received);

        HttpResponse<String> get = send("GET", "/gatehouse.test.Plain/Echo", null);
        assertEquals(405, get.statusCode(), get.body());
        assertProblem(get, "grpc_method_not_allowed");
        assertEquals("POST", get.headers().firstValue("allow").orElse(""));
    }

    @Test
    void fieldPathTemplateAndBodyField() throws Exception {
        HttpResponse<String> response = send("PATCH", "/v1/shelves/s1/books/b%2D2",
                "{\"title\":\"Dune\",\"authors\":[\"Herbert\"],\"format\":\"EBOOK\",\"pages\":412}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode book = json(response);
        assertEquals("shelves/s1/books/b-2", book.get("name").asText());
        assertEquals("EBOOK", book.get("format").asText());
        assertEquals(412, book.get("pages").asInt());
        assertEquals(List.of(UpdateBookRequest.newBuilder().setBook(Book.newBuilder().setName("shelves/s1/books/b-2")
                .setTitle("Dune").addAuthors("Herbert").setFormat(Book.Format.EBOOK)
                .setPages(com.google.protobuf.Int32Value.of(412))).build()), server.received);
    }

    @Test
    void responseBodyAndVerb() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/shelves/s/books/b:title", null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("\"Title of shelves/s/books/b\"", response.body());
    }

    @Test
    void queryParametersNestedAndRepeated() throws Exception {
        HttpResponse<String> response = send("GET",
                "/v1/shelves/s1/books?query=sci%20fi&authors=a&authors=b&page.size=10&page.token=t", null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(JSON.readTree("{\"shelf\":\"s1\",\"query\":\"sci fi\",\"authors\":[\"a\",\"b\"],"
                + "\"pageSize\":10,\"pageToken\":\"t\"}"), json(response));
        assertEquals(List.of(SearchRequest.newBuilder().setShelf("s1").setQuery("sci fi").addAuthors("a")
                .addAuthors("b").setPage(SearchRequest.Page.newBuilder().setSize(10).setToken("t")).build()),
                server.received);

        HttpResponse<String> unknown = send("GET", "/v1/shelves/s1/books?color=red", null);
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertProblem(unknown, "grpc_unknown_field");
        assertTrue(json(unknown).get("detail").asText().contains("'color'"), unknown.body());
        assertEquals(1, server.received.size(), "the refused request reached nobody");
    }

    @Test
    void wellKnownTypesRoundTrip() throws Exception {
        String thing = "{\"id\":\"t1\",\"at\":\"2024-05-06T07:08:09.123Z\",\"ttl\":\"3.500s\","
                + "\"attributes\":{\"a\":[1.5,\"x\",true,null],\"b\":{\"c\":-2.25}},\"note\":\"n\","
                + "\"blob\":\"AAEC/w==\",\"big\":\"9007199254740993\",\"ratio\":0.25}";
        HttpResponse<String> response = send("POST", "/gatehouse.test.Plain/Things", thing);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(JSON.readTree(thing), json(response));
        Thing received = (Thing) server.received.getFirst();
        assertEquals(9007199254740993L, received.getBig());
        assertEquals(1714979289L, received.getAt().getSeconds());
        assertEquals(3, received.getTtl().getSeconds());
        assertEquals("n", received.getNote().getValue());
        assertEquals(4, received.getBlob().size());
    }

    @ParameterizedTest
    @EnumSource(Status.Code.class)
    void statusTable(Status.Code code) throws Exception {
        HttpResponse<String> response = send("POST", "/v1/fail/" + code.value(), "{\"message\":\"why: é 100%\"}");
        assertEquals(StatusMapping.httpStatus(code), response.statusCode(), response.body());
        assertEquals(List.of(FailRequest.newBuilder().setCode(code.value()).setMessage("why: é 100%").build()),
                server.received);
        if (code == Status.Code.OK) {
            assertEquals("ok", json(response).get("message").asText());
            return;
        }
        assertProblem(response, "grpc_" + code.name().toLowerCase(Locale.ROOT));
        JsonNode problem = json(response);
        assertEquals(code.name(), problem.get("grpc_status").asText());
        assertEquals(code.value(), problem.get("grpc_code").asInt());
        assertEquals("why: é 100%", problem.get("grpc_message").asText());
        JsonNode detail = problem.get("details").get(0);
        assertEquals("type.googleapis.com/google.rpc.ErrorInfo", detail.get("@type").asText());
        assertEquals("TEST_REASON", detail.get("reason").asText());
        assertEquals(Integer.toString(code.value()), detail.get("metadata").get("code").asText());
        assertEquals("t", response.headers().firstValue("x-echo-trailer").orElse(""), "trailers → headers");
    }

    @Test
    void unknownFieldIsRefusedBeforeTheCall() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/greetings", "{\"name\":\"x\",\"nmae\":\"y\"}");
        assertEquals(400, response.statusCode(), response.body());
        assertProblem(response, "grpc_unknown_field");
        assertTrue(json(response).get("detail").asText().contains("'nmae'"), response.body());
        assertEquals(List.of(), server.received);
    }

    @Test
    void malformedJsonIsRefusedBeforeTheCall() throws Exception {
        int calls = server.calls.get();
        for (String body : List.of("{\"name\":", "{\"name\":\"x\"} trailing", "{\"name\":\"x\"}}", "[1,2]",
                "{\"times\":\"many\"}", "{\"name\":\"unterminated}")) {
            HttpResponse<String> response = send("POST", "/v1/greetings", body);
            assertEquals(400, response.statusCode(), body + " → " + response.body());
            assertProblem(response, "grpc_invalid_json");
        }
        assertEquals(List.of(), server.received);
        assertEquals(calls, server.calls.get(), "no call was started");
    }

    @Test
    void jsonThatOnlyALenientParserTakesIsRefusedBeforeTheCall() throws Exception {
        // protobuf's JsonFormat would take each of these; a filter checking the body strictly would not see what
        // the service gets
        int calls = server.calls.get();
        for (String body : List.of("{'name':'x'}", "{name:\"x\"}", "{\"name\":\"x\" /* c */}",
                "{\"name\":\"x\";\"times\":2}", "{\"times\":NaN}", "{\"name\":\"a\",\"name\":\"b\"}",
                "{\"name\":\"\\uD800\"}")) {
            HttpResponse<String> response = send("POST", "/v1/greetings", body);
            assertEquals(400, response.statusCode(), body + " → " + response.body());
            assertProblem(response, "grpc_invalid_json");
        }
        HttpResponse<String> badUtf8 = gateway.client().send(HttpRequest.newBuilder(gateway.uri("/v1/greetings"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"',
                        (byte) 0xC3, '(', '"', '}'})).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badUtf8.statusCode(), badUtf8.body());
        assertProblem(badUtf8, "grpc_invalid_json");
        assertEquals(List.of(), server.received);
        assertEquals(calls, server.calls.get(), "no call was started");
    }

    @Test
    void aResponseOverTheMessageLimitIsTheUpstreamsBadResponseNotTheServicesAnswer() throws Exception {
        // max_message_size is 4096 here; the service answers OK with a larger message
        HttpResponse<String> response = send("POST", "/v1/greetings", "{\"name\":\"0123456789\",\"times\":1000}");
        assertEquals(502, response.statusCode(), response.body());
        assertProblem(response, "grpc_bad_response");
        assertTrue(response.body().contains("max_message_size"), response.body());
    }

    @Test
    void bodyOverTheMessageLimit() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/greetings", "{\"name\":\"" + "x".repeat(5000) + "\"}");
        assertEquals(413, response.statusCode(), response.body());
        assertEquals(List.of(), server.received);
    }

    @Test
    void unboundPathsAndMethods() throws Exception {
        HttpResponse<String> none = send("GET", "/v2/nothing", null);
        assertEquals(404, none.statusCode());
        assertProblem(none, "grpc_method_not_found");
        HttpResponse<String> wrong = send("DELETE", "/v1/greetings/ann", null);
        assertEquals(405, wrong.statusCode());
        assertProblem(wrong, "grpc_method_not_allowed");
        assertEquals("GET", wrong.headers().firstValue("allow").orElse(""));
        assertEquals(List.of(), server.received);
    }

    @Test
    void metadataBothWays() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/metadata", null, "X-Tenant", "t-7", "X-Secret", "s");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode received = json(response).get("received");
        assertEquals("t-7", received.get("x-tenant").asText());
        assertTrue(received.get("x-secret") == null, "only allow-listed headers become metadata: " + received);
        assertEquals("h", response.headers().firstValue("x-echo-header").orElse(""));
        assertEquals("t", response.headers().firstValue("x-echo-trailer").orElse(""));
    }

    @Test
    void clientStreamingFromNdjson() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/sum", "{\"value\":\"1\"}\n\n{\"value\":2}\n{\"value\":\"39\"}",
                "Content-Type", "application/x-ndjson");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(JSON.readTree("{\"sum\":\"42\",\"count\":3}"), json(response));
        assertEquals(3, server.received.size());

        HttpResponse<String> bad = send("POST", "/v1/sum", "{\"value\":\"1\"}\n{\"value\":");
        assertEquals(400, bad.statusCode(), bad.body());
        assertProblem(bad, "grpc_invalid_json");
    }

    @Test
    void bidirectionalFromNdjson() throws Exception {
        HttpResponse<String> response = send("POST", "/gatehouse.test.Echo/Chat", "{\"text\":\"a\"}\n{\"text\":\"b\"}\n");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/x-ndjson", response.headers().firstValue("content-type").orElse(""));
        assertEquals("{\"text\":\"echo: a\",\"seq\":1}\n{\"text\":\"echo: b\",\"seq\":2}\n", response.body());
    }

    /** Bidirectional: each response line arrives while the request body is still open (raw HTTP/1.1, chunked). */
    @Test
    void bidirectionalStreamsBothWays() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.uri("/").getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(
                    socket.getInputStream(), StandardCharsets.UTF_8));
            out.write(("POST /gatehouse.test.Echo/Chat HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-ndjson"
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("{\"text\":\"one\"}\n"))
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", in.readLine());
            List<String> lines = new ArrayList<>();
            for (String line; !(line = in.readLine()).contains("echo: one"); ) {
                lines.add(line);
            }
            assertTrue(lines.stream().anyMatch(l -> l.equalsIgnoreCase("content-type: application/x-ndjson")),
                    lines.toString());
            out.write((chunk("{\"text\":\"two\"}\n") + "0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line;
            while (!(line = in.readLine()).contains("echo: two")) {
                assertTrue(line.matches("[0-9a-fA-F]*"), "only chunk framing between the messages: " + line);
            }
            assertEquals("{\"text\":\"echo: two\",\"seq\":2}", line);
        }
    }

    /** Client streaming: each line reaches the server as it arrives, before the request body ends. */
    @Test
    void clientStreamSentLineByLine() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.uri("/").getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/sum HTTP/1.1\r\nHost: test\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk("{\"value\":\"5\"}\n")).getBytes(StandardCharsets.UTF_8));
            out.flush();
            TranscodeStreamingIT.poll(() -> server.received.contains(
                    Number.newBuilder().setValue(5).build()),
                    "the first line reached the server while the body was open");
            out.write((chunk("{\"value\":\"6\"}") + "0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(
                    socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 200 OK", in.readLine());
            String line;
            while (!(line = in.readLine()).startsWith("{")) {
                assertTrue(line.contains(":") || line.isEmpty(), "headers, then the body: " + line);
            }
            assertEquals(JSON.readTree("{\"sum\":\"11\",\"count\":2}"), JSON.readTree(line));
        }
        assertEquals(2, server.received.size());
    }

    private static String chunk(String text) {
        int length = text.getBytes(StandardCharsets.UTF_8).length;
        return Integer.toHexString(length) + "\r\n" + text + "\r\n";
    }

    @Test
    void unknownFieldsIgnoredWhenConfigured() throws Exception {
        try (GatewayFixture ignoring = GatewayFixture.start(home(), config(server.url(), ", unknown_fields: ignore"))) {
            HttpResponse<String> response = send(ignoring, "POST", "/v1/greetings", "{\"name\":\"x\",\"nmae\":\"y\"}");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(List.of(SayRequest.newBuilder().setName("x").build()), server.received);
            HttpResponse<String> query = send(ignoring, "GET", "/v1/shelves/s/books?color=red", null);
            assertEquals(200, query.statusCode(), query.body());
        }
    }
}
