package io.gatehouse.plugins.auth.apikey;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static io.gatehouse.plugins.auth.apikey.BasicCredentialsTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** End to end: the "basic-auth" example of docs/auth-keys.md, with its users file. */
class BasicAuthGatewayIT {

    static final String ALICE = "alice:correct horse battery staple";
    static final String BOB = "bob:hunter2 but longer";
    static final String CHALLENGE = "Basic realm=\"admin\", charset=\"UTF-8\"";
    private static AuthGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = AuthGateway.start("basic-auth", Map.of("conf/users.yaml", "users-file-content"));
    }

    @AfterAll
    static void stop() {
        gateway.assertNothingLogged("correct horse", "hunter2", "Tr0ub4dor", basic(ALICE).substring(6),
                basic(BOB).substring(6), "$2y$10$");
        gateway.close();
    }

    private HttpResponse<String> assertRefused(String code, String... headers) throws Exception {
        int before = gateway.upstream.count();
        HttpResponse<String> response = gateway.get("/admin/x", headers);
        assertEquals(401, response.statusCode(), response.body());
        assertProblem(response, code);
        assertEquals(CHALLENGE, response.headers().firstValue("www-authenticate").orElse(""));
        assertEquals(before, gateway.upstream.count(), "the upstream received nothing");
        assertFalse(response.body().contains("horse") || response.body().contains("hunter2"), response.body());
        return response;
    }

    @Test
    void goodCredentialsIdentifyTheUserToTheUpstream() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = gateway.get("/admin/x", "Authorization", basic(ALICE),
                    "X-Consumer-Id", "root");
            assertEquals(200, response.statusCode(), response.body());
            RecordingUpstream.Received received = gateway.upstream.last();
            assertEquals("alice", received.header("X-Consumer-Id"));
            assertEquals("basic", received.header("X-Consumer-Credential"));
            assertEquals("admins", received.header("X-Consumer-Groups"));
            assertNull(received.header("Authorization"), "the password stays at the gateway");
        }
        HttpResponse<String> fromFile = gateway.get("/admin/x", "Authorization", basic(BOB));
        assertEquals(200, fromFile.statusCode(), fromFile.body());
        assertEquals("bob", gateway.upstream.last().header("X-Consumer-Id"));
        assertEquals("ops", gateway.upstream.last().header("X-Consumer-Groups"));
    }

    @Test
    void wrongAndNearMissCredentialsAreRefused() throws Exception {
        HttpResponse<String> wrong = assertRefused("invalid_credentials", "Authorization",
                basic("alice:Tr0ub4dor&3"));
        gateway.assertRefusalLogged(wrong, "401 invalid_credentials, wrong password for user 'alice'");
        assertRefused("invalid_credentials", "Authorization", basic(ALICE + " "));
        assertRefused("invalid_credentials", "Authorization", basic(ALICE.toUpperCase()));
        assertRefused("invalid_credentials", "Authorization", basic("Alice" + ALICE.substring(5)));
        HttpResponse<String> unknown = assertRefused("invalid_credentials", "Authorization",
                basic("correct horse:battery staple"));
        gateway.assertRefusalLogged(unknown, "unknown user (the name is not logged)");
    }

    @Test
    void malformedCredentialsAre401NeverA500() throws Exception {
        byte[] latin1 = "jürgen:geheim".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> notUtf8 = assertRefused("malformed_credentials", "Authorization",
                "Basic " + Base64.getEncoder().encodeToString(latin1));
        assertEquals("The Basic credentials cannot be read: the decoded user name and password are not valid UTF-8.",
                AuthGatewayJson.detail(notUtf8));
        assertRefused("malformed_credentials", "Authorization", "Basic %%%");
        assertRefused("malformed_credentials", "Authorization", "Basic "
                + Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8)));
        assertRefused("malformed_credentials", "Authorization", "basic");
    }

    @Test
    void credentialsInTheWrongPlaceAreNone() throws Exception {
        HttpResponse<String> none = assertRefused("unauthorized");
        gateway.assertRefusalLogged(none, "no credential");
        assertRefused("unauthorized", "Authorization", "Bearer " + basic(ALICE).substring(6));
        assertRefused("unauthorized", "Proxy-Authorization", basic(ALICE));
    }

    @Test
    void aUserRemovedFromTheFileIsRefusedAfterTheReload() throws Exception {
        assertEquals(200, gateway.get("/admin/x", "Authorization", basic(BOB)).statusCode());
        Path users = gateway.gateway.home().resolve("conf/users.yaml");
        String original = Files.readString(users);
        try {
            Files.writeString(users, "[]\n");
            Await.value("401", () -> String.valueOf(gateway.get("/admin/x", "Authorization", basic(BOB))
                    .statusCode()));
            assertEquals(200, gateway.get("/admin/x", "Authorization", basic(ALICE)).statusCode(),
                    "inline users stay");
        } finally {
            Files.writeString(users, original);
            Await.value("200", () -> String.valueOf(gateway.get("/admin/x", "Authorization", basic(BOB))
                    .statusCode()));
        }
    }
}
