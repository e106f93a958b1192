package io.gatehouse.plugins.auth.apikey;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.ALICE_KEY;
import static io.gatehouse.plugins.auth.apikey.BasicCredentialsTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * End to end: the "key-or-password" example of docs/auth-keys.md (api_key with anonymous: guest, then basic_auth),
 * request by request as the page's table says.
 */
class SeveralFiltersIT {

    static final String BOB = "bob:hunter2 but longer";
    private static AuthGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = AuthGateway.start("key-or-password", Map.of());
    }

    @AfterAll
    static void stop() {
        gateway.assertNothingLogged(ALICE_KEY, "hunter2", basic(BOB).substring(6), "ak_wrong");
        gateway.close();
    }

    /** Headers of a request, and the consumer the upstream must see (id/credential) or the refusal (status code). */
    record Case(String desc, List<String> headers, String expected) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> cases() {
        String key = "X-API-Key";
        String authorization = "Authorization";
        return Stream.of(
                new Case("alice's key", List.of(key, ALICE_KEY), "alice/api_key"),
                new Case("bob's password", List.of(authorization, basic(BOB)), "bob/basic"),
                new Case("nothing", List.of(), "guest/anonymous"),
                new Case("nothing, but a forged X-Consumer-Id", List.of("X-Consumer-Id", "alice",
                        "X-Consumer-Credential", "api_key"), "guest/anonymous"),
                new Case("a Bearer token: not a credential of either", List.of(authorization, "Bearer abc"),
                        "guest/anonymous"),
                new Case("a wrong key", List.of(key, "ak_wrong"), "401 invalid_api_key"),
                new Case("an empty key", List.of(key, ""), "401 invalid_api_key"),
                new Case("a wrong password", List.of(authorization, basic("bob:hunter3 but longer")),
                        "401 invalid_credentials"),
                new Case("malformed Basic credentials", List.of(authorization, "Basic !!"),
                        "401 malformed_credentials"),
                new Case("alice's key and a wrong password: the key decides", List.of(key, ALICE_KEY, authorization,
                        basic("bob:wrong")), "alice/api_key"),
                new Case("a wrong key and bob's password: the key decides", List.of(key, "ak_wrong", authorization,
                        basic(BOB)), "401 invalid_api_key"),
                new Case("two keys", List.of(key, ALICE_KEY, key, ALICE_KEY), "400 multiple_api_keys"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theFirstFilterThatFindsItsCredentialDecides(Case c) throws Exception {
        int before = gateway.upstream.count();
        HttpResponse<String> response = gateway.get("/reports/q1", c.headers().toArray(String[]::new));
        if (c.expected().contains("/")) {
            assertEquals(200, response.statusCode(), response.body());
            RecordingUpstream.Received received = gateway.upstream.last();
            assertEquals(c.expected(), received.header("X-Consumer-Id") + "/"
                    + received.header("X-Consumer-Credential"));
            assertNull(received.header("X-API-Key"));
            if (received.header("Authorization") != null) {
                assertEquals("Bearer abc", received.header("Authorization"), "only a credential of neither");
            }
        } else {
            String[] statusAndCode = c.expected().split(" ");
            assertEquals(Integer.parseInt(statusAndCode[0]), response.statusCode(), response.body());
            assertProblem(response, statusAndCode[1]);
            assertEquals(before, gateway.upstream.count(), "the upstream received nothing");
        }
    }
}
