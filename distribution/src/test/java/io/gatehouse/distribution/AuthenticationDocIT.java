package io.gatehouse.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The "several credentials" example of {@code docs/authentication.md}, run as written on the built distribution
 * with the plugins it ships (auth-jwt, auth-apikey, access-control): a JWT or an API key identifies the consumer,
 * no credential is the anonymous {@code guest}, a bad credential is refused even so, and the ACL judges the
 * consumer. Each case checks what the client got and what the upstream (the demo echo backend) received. Tokens are
 * built here by hand (HMAC-SHA256 over base64url segments), not with the library under test.
 */
class AuthenticationDocIT {

    private static final String SECRET = "doc-test-secret-that-is-at-least-32-bytes-long";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Process gateway;
    private static Path log;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path home = Path.of("target", "gatehouse-" + System.getProperty("gatehouse.dist.version")).toAbsolutePath();
        assertTrue(Files.isExecutable(home.resolve("bin/gatehouse")), "no unpacked distribution at " + home);
        Matcher block = Pattern.compile("<!-- example: several-credentials -->\\s*```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("..", "docs", "authentication.md")));
        assertTrue(block.find(), "docs/authentication.md lost its several-credentials example");
        port = freePort();
        int demo = freePort();
        String yaml = "server: { host: 127.0.0.1, port: " + port + " }\nadmin: { host: 127.0.0.1, port: " + freePort()
                + " }\ndemo: { enabled: true, port: " + demo + " }\n"
                + block.group(1).replace("127.0.0.1:8081", "127.0.0.1:" + demo);
        Path work = Files.createTempDirectory("gatehouse-auth-doc");
        Path config = work.resolve("gatehouse.yaml");
        Files.writeString(config, yaml);
        log = work.resolve("gateway.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/gatehouse").toString(), "run", "--config",
                config.toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JWT_SECRET", SECRET);
        gateway = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                get("/api/hello", List.of());
                return;
            } catch (IOException notYet) {
                assertTrue(gateway.isAlive(), "the gateway exited: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "the gateway did not answer: " + Files.readString(log));
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.destroy();
            gateway.waitFor();
        }
    }

    /**
     * @param desc        what is sent
     * @param headers     header name/value pairs
     * @param status      what the client gets
     * @param code        the problem's code when refused, else {@code null}
     * @param consumer    the consumer the upstream was told about, when it was reached
     * @param credential  how that consumer was identified
     */
    record Case(String desc, List<String> headers, int status, String code, String consumer, String credential) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        long now = Instant.now().getEpochSecond();
        String iss = "https://auth.example.com/";
        String partner = hs256(SECRET, "{\"sub\":\"bob\",\"iss\":\"" + iss + "\",\"groups\":[\"partners\"],\"exp\":"
                + (now + 600) + "}");
        String outsider = hs256(SECRET, "{\"sub\":\"eve\",\"iss\":\"" + iss + "\",\"groups\":[\"staff\"],\"exp\":"
                + (now + 600) + "}");
        String forged = hs256("another-secret-that-is-also-32-bytes-long!", "{\"sub\":\"bob\",\"iss\":\"" + iss
                + "\",\"groups\":[\"partners\"],\"exp\":" + (now + 600) + "}");
        String expired = hs256(SECRET, "{\"sub\":\"bob\",\"iss\":\"" + iss + "\",\"groups\":[\"partners\"],\"exp\":"
                + (now - 3600) + "}");
        return Stream.of(
                new Case("no credential: the anonymous consumer, which the ACL allows", List.of(), 200, null,
                        "guest", "anonymous"),
                new Case("a client posing as a consumer is anonymous all the same",
                        List.of("X-Consumer-Id", "admin", "X-Consumer-Groups", "partners"), 200, null, "guest",
                        "anonymous"),
                new Case("alice's API key", List.of("X-API-Key", "k-alice-7f3a"), 200, null, "alice", "api_key"),
                new Case("a wrong API key is refused, not made anonymous", List.of("X-API-Key", "k-alice-7f3b"), 401,
                        "invalid_api_key", null, null),
                new Case("a partner's token", List.of("Authorization", "Bearer " + partner), 200, null, "bob", "jwt"),
                new Case("a valid token of someone the ACL does not allow",
                        List.of("Authorization", "Bearer " + outsider), 403, "access_denied", null, null),
                new Case("a token signed with another secret", List.of("Authorization", "Bearer " + forged), 401,
                        "invalid_token", null, null),
                new Case("an expired token", List.of("Authorization", "Bearer " + expired), 401, "invalid_token",
                        null, null),
                new Case("the token decides before the API key is looked at",
                        List.of("Authorization", "Bearer " + forged, "X-API-Key", "k-alice-7f3a"), 401,
                        "invalid_token", null, null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theDocumentedRouteDecides(Case c) throws Exception {
        HttpResponse<String> response = get("/api/anything", c.headers());
        assertEquals(c.status(), response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        if (c.code() != null) {
            assertEquals(c.code(), body.path("code").asText(), response.body());
            assertFalse(body.has("headers"), "a refused request reached the upstream: " + response.body());
            for (int i = 1; i < c.headers().size(); i += 2) {
                assertFalse(response.body().contains(c.headers().get(i)), "the credential is in the answer");
                assertFalse(Files.readString(log).contains(c.headers().get(i)), "the credential is in the log");
            }
            return;
        }
        JsonNode received = body.path("headers");
        assertEquals(List.of(c.consumer()), values(received, "X-Consumer-Id"), response.body());
        assertEquals(List.of(c.credential()), values(received, "X-Consumer-Credential"), response.body());
        assertEquals(List.of(), values(received, "X-API-Key"), "the key went upstream");
        assertEquals(List.of(), values(received, "Authorization"), "the token went upstream");
    }

    private static List<String> values(JsonNode headers, String name) {
        for (var fields = headers.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                return Stream.iterate(0, i -> i < field.getValue().size(), i -> i + 1)
                        .map(i -> field.getValue().get(i).asText()).toList();
            }
        }
        return List.of();
    }

    private static HttpResponse<String> get(String path, List<String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String hs256(String secret, String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
