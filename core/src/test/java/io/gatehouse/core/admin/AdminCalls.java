package io.gatehouse.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.testing.GatewayFixture;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Admin API requests with a method, a body and headers, for the admin ITs. */
final class AdminCalls {

    static final ObjectMapper JSON = new ObjectMapper();

    private AdminCalls() {
    }

    /**
     * @param body    the body, or {@code null} for none
     * @param headers header names and values, alternating
     */
    static HttpResponse<String> call(GatewayFixture gateway, String method, String path, String body,
                                     String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.adminUri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
