package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.config.ConfigException;
import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sandbox holds, and faulty scripts (throwing, looping, hogging memory, answering nonsense) cost one request. */
class ScriptSafetyIT {

    private static Backend echo;
    private static GatewayFixture gateway;

    private static final String ESCAPES = """
            async function attempt(results, name, action) {
                try {
                    const value = await action();
                    results[name] = 'ALLOWED: ' + String(value).slice(0, 60);
                } catch (e) {
                    results[name] = 'blocked';
                }
            }

            function hostObjectIn(value, depth) {
                if (value === null || (typeof value !== 'object' && typeof value !== 'function') || depth > 4) {
                    return null;
                }
                if (value !== Object.prototype && !(value instanceof Object)) {
                    return 'a foreign object';
                }
                for (const key of Reflect.ownKeys(value)) {
                    const descriptor = Object.getOwnPropertyDescriptor(value, key);
                    let inner;
                    try {
                        inner = descriptor.get ? descriptor.get.call(value) : descriptor.value;
                    } catch (e) {
                        continue;
                    }
                    const found = hostObjectIn(inner, depth + 1);
                    if (found) {
                        return String(key) + '.' + found;
                    }
                }
                return hostObjectIn(Object.getPrototypeOf(value), depth + 1);
            }

            export async function filter(exchange, chain) {
                const results = {};
                await attempt(results, 'Java.type', () => Java.type('java.lang.Runtime'));
                await attempt(results, 'Polyglot.eval', () => Polyglot.eval('js', '6 * 7'));
                await attempt(results, 'load', () => load('/etc/passwd'));
                await attempt(results, 'require', () => require('fs'));
                await attempt(results, 'import', () => import('fs'));
                await attempt(results, 'process', () => process.env.PATH);
                await attempt(results, 'fetch', () => globalThis.fetch('http://127.0.0.1:9/'));
                const url = 'http://127.0.0.1:9/';   // a literal URL would already fail the config check
                await attempt(results, 'upstream by url', () => exchange.upstreams.fetch(url));
                await attempt(results, 'internals', () => {
                    const found = hostObjectIn(exchange, 0);
                    if (found) {
                        return found;
                    }
                    throw new Error('none');
                });
                await attempt(results, 'getClass', () => exchange.request.headers.get.constructor('return this')().getClass());
                return Response.json(results);
            }
            """;

    @BeforeAll
    static void start() throws Exception {
        echo = Backend.start(EchoRoutes::register);
        Path home = ScriptHome.create();
        ScriptHome.write(home, "escapes.js", ESCAPES);
        ScriptHome.write(home, "throws.js", """
                export function filter(exchange, chain) {
                    throw new Error('secret-detail ' + exchange.request.path);
                }
                """);
        ScriptHome.write(home, "malformed.js", """
                export function filter(exchange, chain) {
                    return exchange.request.query.get('kind') === 'async' ? Promise.resolve(42) : 42;
                }
                """);
        ScriptHome.write(home, "runaway.js", """
                export function filter(exchange, chain) {
                    const mode = exchange.request.query.get('mode');
                    if (mode === 'loop') {
                        while (true) {
                        }
                    }
                    if (mode === 'hog') {
                        const hoard = [];
                        while (true) {
                            hoard.push(new Array(4096).fill(hoard.length));
                        }
                    }
                    return chain.proceed(exchange);
                }
                """);
        ScriptHome.write(home, "dynamic-fetch.js", """
                export async function filter(exchange, chain) {
                    try {
                        await exchange.upstreams.fetch(exchange.request.query.get('u'), { path: '/' });
                        return Response.text('fetched');
                    } catch (e) {
                        return Response.json({ code: e.code, message: e.message }, 502);
                    }
                }
                """);
        ScriptHome.write(home, "keeps.js", """
                let kept;
                export function filter(exchange, chain) {
                    if (kept === undefined) {
                        kept = exchange;
                        return Response.text('kept');
                    }
                    try {
                        return Response.text('usable: ' + kept.request.path);
                    } catch (e) {
                        return Response.text('refused: ' + e.message);
                    }
                }
                """);
        gateway = GatewayFixture.start(home, """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: escapes, match: { path: /escapes }, upstream: echo, filters: [ { script: escapes.js } ] }
                  - { id: throws, match: { path: /throws }, upstream: echo, filters: [ { script: throws.js } ] }
                  - { id: malformed, match: { path: /malformed }, upstream: echo, filters: [ { script: malformed.js } ] }
                  - { id: runaway, match: { path: /runaway }, upstream: echo, filters: [ { script: runaway.js } ] }
                  - { id: dynamic, match: { path: /dynamic }, upstream: echo, filters: [ { script: dynamic-fetch.js } ] }
                  - { id: keeps, match: { path: /keeps }, upstream: echo, filters: [ { script: keeps.js } ] }
                """.formatted(echo.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        echo.close();
    }

    @Test
    void everySandboxEscapeFails() throws Exception {
        HttpResponse<String> response = gateway.get("/escapes");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode results = JSON.readTree(response.body());
        assertEquals(10, results.size(), response.body());
        for (Iterator<Map.Entry<String, JsonNode>> it = results.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> result = it.next();
            assertEquals("blocked", result.getValue().asText(), result.getKey());
        }
    }

    @Test
    void anExchangeKeptFromAnEarlierRequestRefusesUse() throws Exception {
        String body = "kept";
        for (int i = 0; i < 20 && body.equals("kept"); i++) {   // the first call in each Context keeps its exchange
            body = gateway.get("/keeps").body();
        }
        assertTrue(body.startsWith("refused: this object belongs to a request that has finished"), body);
    }

    @Test
    void aThrowingScriptAnswers500WithoutItsDetail() throws Exception {
        HttpResponse<String> response = gateway.get("/throws");
        assertEquals(500, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/problem+json"));
        assertEquals("script_error", JSON.readTree(response.body()).get("code").asText());
        assertFalse(response.body().contains("secret-detail"), response.body());
        assertFalse(response.body().contains("at "), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync", "async"})
    void aMalformedResultAnswers500(String kind) throws Exception {
        HttpResponse<String> response = gateway.get("/malformed?kind=" + kind);
        assertEquals(500, response.statusCode());
        assertEquals("script_error", JSON.readTree(response.body()).get("code").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"loop", "hog"})
    void aRunawayScriptIsStoppedAndTheNext100RequestsSucceed(String mode) throws Exception {
        assertEquals(200, gateway.get("/runaway").statusCode());   // a warm Context: the plain time limit applies
        HttpResponse<String> stopped = gateway.get("/runaway?mode=" + mode);
        assertEquals(500, stopped.statusCode());
        assertEquals("script_timeout", JSON.readTree(stopped.body()).get("code").asText());
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> next = gateway.get("/runaway?i=" + i);
            assertEquals(200, next.statusCode(), next.body());
        }
    }

    @Test
    void aFetchOfAnUnknownUpstreamByComputedNameRejectsThePromise() throws Exception {
        HttpResponse<String> response = gateway.get("/dynamic?u=nope");
        assertEquals(502, response.statusCode());
        assertEquals("unknown_upstream", JSON.readTree(response.body()).get("code").asText());
        assertEquals(200, gateway.get("/dynamic?u=echo").statusCode());
    }

    @Test
    void aFetchOfAnUnknownUpstreamByLiteralNameIsAConfigError() throws Exception {
        Path home = ScriptHome.create();
        ScriptHome.write(home, "bad-fetch.js", """
                export async function filter(exchange, chain) {
                    const answer = await exchange.upstreams.fetch('billing', { path: '/' });
                    return answer;
                }
                """);
        ConfigException error = assertThrows(ConfigException.class, () -> GatewayFixture.start(home, """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: bad, match: { path: /bad }, upstream: echo, filters: [ { script: bad-fetch.js } ] }
                """.formatted(echo.url())).close());
        assertTrue(error.getMessage().contains("scripts/bad-fetch.js:2:"), error.getMessage());
        assertTrue(error.getMessage().contains("'billing'"), error.getMessage());
    }

    @Test
    void aScriptThatDoesNotParseIsAConfigErrorWithItsPlace() throws Exception {
        Path home = ScriptHome.create();
        ScriptHome.write(home, "broken.js", "export function filter(exchange, chain) {\n    return chain.proceed(;\n}\n");
        ConfigException error = assertThrows(ConfigException.class, () -> GatewayFixture.start(home, """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: bad, match: { path: /bad }, upstream: echo, filters: [ { script: broken.js } ] }
                """.formatted(echo.url())).close());
        assertTrue(error.getMessage().contains("routes[0].filters[0].script"), error.getMessage());
        assertTrue(error.getMessage().contains("broken.js:2:"), error.getMessage());
    }
}
