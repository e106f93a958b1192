package io.gatehouse.plugins.auth.apikey;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.ALICE_KEY;
import static io.gatehouse.plugins.auth.apikey.ApiKeyFilterTest.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** End to end: the "api-key" example of docs/auth-keys.md, on a real gateway with the packaged plugin. */
class ApiKeyGatewayIT {

    private static AuthGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = AuthGateway.start("api-key", Map.of());
    }

    @AfterAll
    static void stop() {
        gateway.assertNothingLogged(ALICE_KEY, BOB_KEY, "ak_alice_7Qm2Zr9XvWp4", "ak_mallory");
        gateway.close();
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        return gateway.get(pathAndQuery, headers);
    }

    /** The request was refused, with this status and code, and nothing reached the upstream. */
    private HttpResponse<String> assertRefused(int status, String code, String pathAndQuery, String... headers)
            throws Exception {
        int before = gateway.upstream.count();
        HttpResponse<String> response = get(pathAndQuery, headers);
        assertEquals(status, response.statusCode(), response.body());
        assertProblem(response, code);
        assertEquals(before, gateway.upstream.count(), "the upstream received nothing");
        String path = pathAndQuery.split("\\?")[0];
        for (String secret : new String[]{ALICE_KEY, BOB_KEY, "ak_alice_7Qm2Zr9XvWp4", "ak_mallory"}) {
            // the problem's "instance" is the path: a key the client put there comes back
            if (!path.contains(secret)) {
                assertFalse(response.body().contains(secret) || response.headers().toString().contains(secret));
            }
        }
        if (status == 401) {
            assertEquals("ApiKey realm=\"orders\"", response.headers().firstValue("www-authenticate").orElse(""));
        }
        return response;
    }

    @Test
    void aGoodKeyInTheHeaderIdentifiesTheConsumerToTheUpstream() throws Exception {
        HttpResponse<String> response = get("/orders/17", "X-API-Key", ALICE_KEY, "X-Consumer-Id", "admin",
                "X-Consumer-Groups", "root");
        assertEquals(200, response.statusCode(), response.body());
        RecordingUpstream.Received received = gateway.upstream.last();
        assertEquals("alice", received.header("X-Consumer-Id"), "never the client's X-Consumer-Id");
        assertEquals("api_key", received.header("X-Consumer-Credential"));
        assertEquals("admins,staff", received.header("X-Consumer-Groups"));
        assertNull(received.header("X-API-Key"), "the key stays at the gateway");
    }

    @Test
    void aGoodKeyInTheQueryIsRemovedAndTheRestOfTheQueryArrivesAsSent() throws Exception {
        HttpResponse<String> response = get("/orders/17?page=2&api_key=" + BOB_KEY + "&q=a%2Fb+c");
        assertEquals(200, response.statusCode(), response.body());
        RecordingUpstream.Received received = gateway.upstream.last();
        assertEquals("bob", received.header("X-Consumer-Id"));
        assertNull(received.header("X-Consumer-Groups"), "bob has no groups");
        assertEquals("page=2&q=a%2Fb+c", received.rawQuery());
        assertEquals("/orders/17", received.path());
    }

    @Test
    void wrongAndNearMissKeysAreRefused() throws Exception {
        HttpResponse<String> wrong = assertRefused(401, "invalid_api_key", "/orders/1", "X-API-Key",
                "ak_mallory_0000000000");
        gateway.assertRefusalLogged(wrong, "401 invalid_api_key, no key matches the API key in header X-API-Key");
        assertRefused(401, "invalid_api_key", "/orders/1", "X-API-Key", "ak_alice_7Qm2Zr9XvWp4");
        assertRefused(401, "invalid_api_key", "/orders/1", "X-API-Key", ALICE_KEY.toUpperCase());
        assertRefused(401, "invalid_api_key", "/orders/1", "X-API-Key", ALICE_KEY.substring(1));
        assertRefused(401, "invalid_api_key", "/orders/1?api_key=" + ALICE_KEY + "%20");
        assertRefused(401, "invalid_api_key", "/orders/1?api_key=");
    }

    @Test
    void aKeyInTheWrongPlaceIsNoKey() throws Exception {
        HttpResponse<String> bearer = assertRefused(401, "unauthorized", "/orders/1", "Authorization",
                "Bearer " + ALICE_KEY);
        gateway.assertRefusalLogged(bearer, "no credential");
        assertRefused(401, "unauthorized", "/orders/1", "X-Api-Token", ALICE_KEY);
        assertRefused(401, "unauthorized", "/orders/1", "Cookie", "api_key=" + ALICE_KEY);
        assertRefused(401, "unauthorized", "/orders/1?key=" + ALICE_KEY);
        assertRefused(401, "unauthorized", "/orders/" + ALICE_KEY);
        assertRefused(401, "unauthorized", "/orders/1");
    }

    @Test
    void twoKeysAreRefused() throws Exception {
        HttpResponse<String> two = assertRefused(400, "multiple_api_keys", "/orders/1?api_key=" + ALICE_KEY,
                "X-API-Key", ALICE_KEY);
        gateway.assertRefusalLogged(two, "400 multiple_api_keys");
        assertRefused(400, "multiple_api_keys", "/orders/1", "X-API-Key", ALICE_KEY, "X-API-Key", BOB_KEY);
        assertRefused(400, "multiple_api_keys", "/orders/1?api_key=" + ALICE_KEY + "&api_key=" + BOB_KEY);
    }

    @Test
    void aClientCannotPoseAsAConsumerWithoutAKey() throws Exception {
        assertRefused(401, "unauthorized", "/orders/1", "X-Consumer-Id", "alice", "X-Consumer-Credential", "api_key");
    }
}
