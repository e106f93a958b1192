package io.gatehouse.core.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that a response is an RFC 9457 problem document as the gateway renders them. */
public final class ProblemAssertions {

    private ProblemAssertions() {
    }

    /** The response is problem+json with this code, its status, and the request id of its header. */
    public static void assertProblem(HttpResponse<String> response, String code) throws IOException {
        assertEquals("application/problem+json", response.headers().firstValue("content-type").orElse(""));
        JsonNode problem = EchoRoutes.JSON.readTree(response.body());
        assertEquals(code, problem.get("code").asText(), response.body());
        assertEquals(response.statusCode(), problem.get("status").asInt());
        assertTrue(problem.get("request_id").asText().length() >= 8, response.body());
        assertEquals(response.headers().firstValue("x-request-id").orElse(""), problem.get("request_id").asText());
    }
}
