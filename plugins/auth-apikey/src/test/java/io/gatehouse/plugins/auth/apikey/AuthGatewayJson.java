package io.gatehouse.plugins.auth.apikey;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.http.HttpResponse;

/** Reads fields of a problem document. */
final class AuthGatewayJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuthGatewayJson() {
    }

    static String detail(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("detail").asText();
    }
}
