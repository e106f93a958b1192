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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parallel requests keep their state apart; an aggregation's fetches are in flight at the same time. */
class ScriptConcurrencyIT {

    private static Backend echo;
    private static Backend users;
    private static Backend orders;
    private static final ConcurrentLinkedQueue<long[]> USER_CALLS = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<long[]> ORDER_CALLS = new ConcurrentLinkedQueue<>();
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        echo = Backend.start(EchoRoutes::register);
        users = Backend.start(routing -> routing.get("/users/{id}", (req, res) -> {
            long arrived = System.nanoTime();
            Thread.sleep(200);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            String id = req.path().pathParameters().get("id");
            long answered = System.nanoTime();
            USER_CALLS.add(new long[] {arrived, answered});
            res.send(JSON.writeValueAsBytes(Map.of("id", id, "name", "user " + id)));
        }));
        orders = Backend.start(routing -> routing.get("/orders", (req, res) -> {
            long arrived = System.nanoTime();
            Thread.sleep(200);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            long answered = System.nanoTime();
            ORDER_CALLS.add(new long[] {arrived, answered});
            res.send(JSON.writeValueAsBytes(List.of(Map.of("order", 9, "user", req.query().get("user")))));
        }));
        Path home = ScriptHome.create();
        ScriptHome.write(home, "per-request.js", """
                let last = null;   // module state is per Context; a Context serves one call at a time
                export function filter(exchange, chain) {
                    const mine = exchange.request.query.get('n');
                    last = mine;
                    exchange.attributes.n = mine;
                    exchange.request.headers.set('X-N', mine);
                    const response = chain.proceed(exchange);
                    response.headers.set('X-N-Seen', [last, exchange.attributes.n, exchange.request.headers.get('X-N')].join(':'));
                    return response;
                }
                """);
        // generous per-call limits: these tests are about state and concurrency, and 200 parallel calls on the
        // interpreter of a busy 2-core machine can pass the 50 ms default without anything being wrong
        gateway = GatewayFixture.start(home, """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  users: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  orders: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: state, match: { path: /state }, upstream: echo, filters: [ { script: { file: per-request.js, timeout: 5s } } ] }
                  - id: summary
                    match: { methods: [GET], path: /api/users/:id/summary }
                    upstream: users
                    filters: [ { script: { file: examples/aggregate-user-orders.js, timeout: 5s } } ]
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
    void twoHundredParallelRequestsKeepTheirOwnState() throws Exception {
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                String n = "r" + i;
                results.add(pool.submit(() -> {
                    HttpResponse<String> response = gateway.get("/state?n=" + n);
                    if (response.statusCode() != 200) {
                        return n + " -> " + response.statusCode() + " " + response.body();
                    }
                    String echoed = JSON.readTree(response.body()).get("headers").get("x-n").get(0).asText();
                    String seen = response.headers().firstValue("X-N-Seen").orElse("");
                    return echoed.equals(n) && seen.equals(n + ":" + n + ":" + n) ? "ok" : n + " -> " + echoed + " / " + seen;
                }));
            }
        }
        for (Future<String> result : results) {
            assertEquals("ok", result.get());
        }
    }

    @Test
    void aggregationFetchesRunConcurrently() throws Exception {
        USER_CALLS.clear();
        ORDER_CALLS.clear();
        HttpResponse<String> response = gateway.get("/api/users/7/summary");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("user 7", body.get("user").get("name").asText());
        assertEquals("7", body.get("orders").get(0).get("user").asText());

        long[] user = USER_CALLS.poll();
        long[] order = ORDER_CALLS.poll();
        // each call arrived before the other one answered: both were in flight at the same time
        assertTrue(order[0] < user[1], "orders arrived after users answered");
        assertTrue(user[0] < order[1], "users arrived after orders answered");
    }
}
