package io.gatehouse.core.server;

import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import io.gatehouse.core.testing.plugins.FaultPlugins;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plugin's {@code AdminEndpoint} on the admin listener: mounted under its name for every method, behind the admin
 * token, its refusals and failures answered as problems; a name the core uses is not mounted.
 */
class AdminEndpointIT {

    private static LogCapture log;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        log = LogCapture.of("io.gatehouse.core.server");
        gateway = GatewayFixture.start(FaultPlugins.home(), """
                admin: { port: 0, token: adm1n-t0ken-for-the-plugin-endpoint-test }
                upstreams:
                  up: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } }
                routes:
                  - { id: r, match: { path: /r }, upstream: up }
                """);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        log.close();
    }

    private static HttpResponse<String> send(String method, String path, boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.adminUri(path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (withToken) {
            request.header("Authorization", "Bearer adm1n-t0ken-for-the-plugin-endpoint-test");
        }
        return gateway.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePluginAnswersEveryMethodUnderItsName() throws Exception {
        HttpResponse<String> deleted = send("DELETE", "/testing/things/7?all=1", true);
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals("{\"method\":\"DELETE\",\"path\":\"/testing/things/7\",\"query\":\"all=1\"}", deleted.body());
        assertEquals("testing", deleted.headers().firstValue("X-Plugin").orElse(null));
        HttpResponse<String> root = send("GET", "/testing", true);
        assertEquals("{\"method\":\"GET\",\"path\":\"/testing\",\"query\":\"\"}", root.body());
    }

    @Test
    void theAdminTokenGuardsPluginEndpointsToo() throws Exception {
        HttpResponse<String> refused = send("DELETE", "/testing/things/7", false);
        assertEquals(401, refused.statusCode());
        assertProblem(refused, "unauthorized");
    }

    @Test
    void refusalsAndFailuresAreProblemsWithoutInternals() throws Exception {
        HttpResponse<String> conflict = send("POST", "/testing/conflict", true);
        assertEquals(409, conflict.statusCode());
        assertProblem(conflict, "busy");
        assertEquals("3", conflict.headers().firstValue("Retry-After").orElse(null));
        HttpResponse<String> boom = send("GET", "/testing/boom", true);
        assertEquals(500, boom.statusCode());
        assertProblem(boom, "admin_endpoint_failed");
        assertFalse(boom.body().contains("secret internals"), boom.body());
    }

    @Test
    void aNameTheCoreUsesIsNotMounted() throws Exception {
        HttpResponse<String> routes = send("GET", "/routes", true);
        assertEquals(200, routes.statusCode());
        assertFalse(routes.body().contains("squatted"));
        assertTrue(log.lines().stream().anyMatch(l -> l.message().contains("/routes")
                && l.message().contains("taken")), log.lines().toString());
    }
}
