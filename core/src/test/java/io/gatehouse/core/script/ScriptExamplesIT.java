package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.helidon.http.HeaderNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped example scripts, through a running gateway against real backends. */
class ScriptExamplesIT {

    private static Backend echo;
    private static Backend users;
    private static Backend orders;
    private static final AtomicBoolean ORDERS_DOWN = new AtomicBoolean();
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        echo = Backend.start(EchoRoutes::register);
        users = Backend.start(routing -> routing
                .get("/users/{id}", (req, res) -> {
                    String id = req.path().pathParameters().get("id");
                    if (id.equals("404")) {
                        res.status(404).send("no such user");
                        return;
                    }
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(JSON.writeValueAsBytes(Map.of("id", id, "name", "user " + id,
                            "password", "hunter2", "profile", Map.of("ssn", "123", "city", "Oslo"))));
                }));
        orders = Backend.start(routing -> routing
                .get("/orders", (req, res) -> {
                    if (ORDERS_DOWN.get()) {
                        res.status(503).send("down");
                        return;
                    }
                    String user = req.query().get("user");
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(JSON.writeValueAsBytes(java.util.List.of(Map.of("order", 1, "user", user),
                            Map.of("order", 2, "user", user))));
                }));
        gateway = GatewayFixture.start(ScriptHome.create(), """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  users: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  orders: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - id: rewrite
                    match: { path: /legacy/*rest }
                    upstream: echo
                    filters:
                      - script: { file: examples/rewrite-path.js, config: { from: /legacy/, to: /v2/ } }
                  - id: headers-default
                    match: { path: /plain/*rest }
                    upstream: echo
                    filters:
                      - script: examples/add-headers.js
                  - id: headers
                    match: { path: /tagged/*rest }
                    upstream: echo
                    filters:
                      - script:
                          file: examples/add-headers.js
                          config: { request: { X-Tenant: acme }, response: { X-Frame-Options: DENY } }
                  - id: summary
                    match: { methods: [GET], path: /api/users/:id/summary }
                    upstream: users
                    filters:
                      - script: examples/aggregate-user-orders.js
                  - id: filtered
                    match: { path: /users/:id }
                    upstream: users
                    filters:
                      - script: { file: examples/json-field-filter.js, config: { drop: [password, ssn] } }
                """.formatted(echo.url(), users.url(), orders.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        echo.close();
        users.close();
        orders.close();
    }

    @Test
    void rewritePathSwapsThePrefixAndMovesTheIdIntoThePath() throws Exception {
        JsonNode echoed = JSON.readTree(gateway.get("/legacy/users?id=7&x=a%20b").body());
        assertEquals("/v2/users/7", echoed.get("path").asText());
        assertEquals("x=a%20b", echoed.get("query").asText());

        assertEquals("/v2/items", JSON.readTree(gateway.get("/legacy/items").body()).get("path").asText());
    }

    @Test
    void addHeadersTagsRequestAndResponse() throws Exception {
        HttpResponse<String> plain = gateway.get("/plain/x");
        assertEquals(200, plain.statusCode());
        assertEquals("gatehouse", plain.headers().firstValue("X-Served-By").orElseThrow());
        assertEquals("127.0.0.1", JSON.readTree(plain.body()).get("headers").get("x-client-ip").get(0).asText());

        HttpResponse<String> tagged = gateway.get("/tagged/x");
        assertEquals("DENY", tagged.headers().firstValue("X-Frame-Options").orElseThrow());
        assertEquals("acme", JSON.readTree(tagged.body()).get("headers").get("x-tenant").get(0).asText());
        assertFalse(tagged.headers().firstValue("X-Served-By").isPresent());
    }

    @Test
    void aggregateMergesUserAndOrders() throws Exception {
        HttpResponse<String> response = gateway.get("/api/users/42/summary");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("user 42", body.get("user").get("name").asText());
        assertEquals(2, body.get("orders").size());
        assertEquals("42", body.get("orders").get(1).get("user").asText());
        assertEquals(0, body.get("errors").size());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
    }

    @Test
    void aggregateAnswersPartiallyWhenOrdersFailAnd404ForAMissingUser() throws Exception {
        ORDERS_DOWN.set(true);
        try {
            HttpResponse<String> response = gateway.get("/api/users/42/summary");
            assertEquals(200, response.statusCode(), response.body());
            JsonNode body = JSON.readTree(response.body());
            assertEquals("user 42", body.get("user").get("name").asText());
            assertTrue(body.get("orders").isNull());
            assertEquals("orders", body.get("errors").get(0).get("upstream").asText());
        } finally {
            ORDERS_DOWN.set(false);
        }
        assertEquals(404, gateway.get("/api/users/404/summary").statusCode());
    }

    @Test
    void jsonFieldFilterDropsFieldsAtAnyDepth() throws Exception {
        HttpResponse<String> response = gateway.get("/users/5");
        assertEquals(200, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("user 5", body.get("name").asText());
        assertFalse(body.has("password"));
        assertFalse(body.get("profile").has("ssn"));
        assertEquals("Oslo", body.get("profile").get("city").asText());
        assertEquals(String.valueOf(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                response.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void adminListsTheScripts() throws Exception {
        JsonNode status = JSON.readTree(gateway.admin("/scripts").body());
        assertEquals(4, status.get("scripts").size());
        for (JsonNode script : status.get("scripts")) {
            assertTrue(script.get("ok").asBoolean(), script.toString());
            assertEquals(1, script.get("version").asInt());
        }
    }
}
