package io.gatehouse.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static io.gatehouse.core.admin.AdminCalls.call;
import static io.gatehouse.core.admin.AdminCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code GET /openapi.json} against the real endpoints: every documented path and method is called on a running
 * gateway (with a token, and without one) and answers a status the document lists, with a documented media type;
 * every core path the server serves is documented, and a method the document does not list is 405.
 */
class OpenApiIT {

    private static final String TOKEN = "5e0c1a9d7b3f48e2a6c4d8f0b2e7a913";
    private static GatewayFixture gateway;
    private static JsonNode openApi;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayFixture.start("""
                admin: { port: 0, tokens: [ { name: ops, token: %s, access: read_write } ] }
                upstreams:
                  up: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } }
                routes:
                  - { id: existing, match: { path: /existing }, upstream: up }
                """.formatted(TOKEN));
        HttpResponse<String> response = authorized("GET", "/openapi.json", null);
        assertEquals(200, response.statusCode());
        openApi = json(response);
        assertEquals("3.1.0", openApi.get("openapi").asText());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static HttpResponse<String> authorized(String method, String path, String body) throws Exception {
        return body == null ? call(gateway, method, path, null, "Authorization", "Bearer " + TOKEN)
                : call(gateway, method, path, body, "Authorization", "Bearer " + TOKEN, "Content-Type",
                "application/json");
    }

    /**
     * The documented operations, in an order that lets each succeed: puts (the upstream before the route that
     * uses it), gets, posts, deletes (the route before its upstream).
     */
    private static List<String[]> operations() {
        List<String[]> operations = new ArrayList<>();
        for (String phase : List.of("put", "get", "post", "delete")) {
            List<String> paths = new ArrayList<>();
            openApi.get("paths").fieldNames().forEachRemaining(path -> {
                if (openApi.get("paths").get(path).has(phase)) {
                    paths.add(path);
                }
            });
            paths.sort(phase.equals("put") ? java.util.Comparator.reverseOrder() : java.util.Comparator.naturalOrder());
            paths.forEach(path -> operations.add(new String[] {phase.toUpperCase(Locale.ROOT), path}));
        }
        return operations;
    }

    private static String concrete(String template) {
        return template.replace("{id}", "openapi-route").replace("{name}", "openapi-up");
    }

    private static String body(String template) {
        return template.startsWith("/routes") ? "{\"match\": {\"path\": \"/openapi\"}, \"upstream\": \"up\"}"
                : "{\"discovery\": {\"type\": \"static\", \"endpoints\": [{\"url\": \"http://127.0.0.1:9\"}]}}";
    }

    @Test
    void everyDocumentedOperationAnswersADocumentedStatus() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String[] operation : operations()) {
            String method = operation[0];
            String template = operation[1];
            HttpResponse<String> response = authorized(method, concrete(template),
                    method.equals("PUT") ? body(template) : null);
            check(method, template, response, failures);
            if (response.statusCode() >= 400) {
                failures.add(method + " " + template + " failed with a valid request: " + response.body());
            }
            HttpResponse<String> anonymous = call(gateway, method, concrete(template), null);
            check(method, template, anonymous, failures);
            // "security": [] marks an operation open to all (the dashboard's page: it carries no data)
            JsonNode security = openApi.at("/paths/" + template.replace("/", "~1") + "/"
                    + method.toLowerCase(Locale.ROOT) + "/security");
            boolean open = security.isArray() && security.isEmpty();
            if (open ? anonymous.statusCode() >= 400 : anonymous.statusCode() != 401) {
                failures.add(method + " " + template + " without a token: " + anonymous.statusCode());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void check(String method, String template, HttpResponse<String> response, List<String> failures) {
        JsonNode responses = openApi.at("/paths/" + template.replace("/", "~1") + "/"
                + method.toLowerCase(Locale.ROOT) + "/responses");
        JsonNode documented = responses.get(String.valueOf(response.statusCode()));
        if (documented == null) {
            failures.add(method + " " + template + " answered " + response.statusCode() + ", not documented: "
                    + response.body());
            return;
        }
        if (documented.has("$ref")) {
            documented = openApi.at(documented.get("$ref").asText().substring(1));
        }
        String type = response.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
        if (documented.has("content") && !documented.get("content").has(type)) {
            failures.add(method + " " + template + " answered " + type + ", documented "
                    + documented.get("content").fieldNames().next());
        }
    }

    @Test
    void everyServedPathIsDocumentedWithEveryMethod() throws Exception {
        HttpResponse<String> unknown = authorized("GET", "/no-such-endpoint", null);
        assertEquals(404, unknown.statusCode());
        String detail = json(unknown).get("detail").asText();
        Set<String> served = new LinkedHashSet<>(List.of(detail.substring(detail.indexOf("try ") + 4).split(", ")));
        assertTrue(served.contains("/routes/{id}"), served.toString());
        for (String path : served) {
            JsonNode item = openApi.get("paths").get(path);
            if (item == null) {
                fail(path + " is served but not in openapi.json");
            }
            for (String method : List.of("GET", "PUT", "POST", "DELETE", "PATCH")) {
                if (!item.has(method.toLowerCase(Locale.ROOT))) {
                    int status = authorized(method, concrete(path), null).statusCode();
                    assertEquals(405, status, method + " " + path + " is not documented but answered " + status);
                }
            }
        }
    }
}
