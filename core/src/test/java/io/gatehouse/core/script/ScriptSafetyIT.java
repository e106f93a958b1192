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
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sandbox holds, and faulty scripts (throwing, looping, hogging memory, answering nonsense) cost one request. */
class ScriptSafetyIT {

    private static Backend echo;
    private static GatewayFixture gateway;

    /**
     * JavaScript: {@code hostObjectIn(value, depth, seen)} walks what is reachable from a value (properties,
     * getters, prototypes; 5 levels) and names the path to the first host (Java) object, or gives null.
     */
    static final String HOST_OBJECT_IN = """
            function hostObjectIn(value, depth, seen) {
                if (value === null || (typeof value !== 'object' && typeof value !== 'function') || depth > 5
                        || seen.has(value)) {
                    return null;
                }
                seen.add(value);
                // (objects without a prototype, such as Array.prototype[Symbol.unscopables], are JavaScript's)
                if (value !== Object.prototype && Object.getPrototypeOf(value) !== null && !(value instanceof Object)) {
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
                    const found = hostObjectIn(inner, depth + 1, seen);
                    if (found) {
                        return String(key) + '.' + found;
                    }
                }
                return hostObjectIn(Object.getPrototypeOf(value), depth + 1, seen);
            }
            """;

    /** Each escape attempt, by name; the script runs the one a request names and reports how it was refused. */
    private static final String ESCAPES = HOST_OBJECT_IN + """
            const url = 'http://127.0.0.1:9/';   // a literal URL would already fail the config check
            const attempts = {
                'Java.type': () => Java.type('java.lang.Runtime'),
                'Polyglot.eval': () => Polyglot.eval('js', '6 * 7'),
                'load': () => load('/etc/passwd'),
                'require': () => require('fs'),
                'import': () => import('fs'),
                'import out of scripts': () => import(['..', '..', '..', 'etc', 'passwd'].join('/')),
                'process': () => process.env.PATH,
                'fetch': () => globalThis.fetch(url),
                'upstream by url': (exchange) => exchange.upstreams.fetch(url),
                'internals': (exchange) => {
                    const found = hostObjectIn(exchange, 0, new Set());
                    if (found === null) {
                        throw new Error('no host object reachable');
                    }
                    return found;
                },
                'getClass': (exchange) => exchange.request.headers.get.constructor('return this')().getClass(),
                'web globals': async () => {
                    const key = await crypto.subtle.importKey('raw', new Uint8Array(4), { name: 'HMAC', hash: 'SHA-256' },
                        true, ['sign', 'verify']);
                    const address = new URL('http://h/?a=1');
                    const found = hostObjectIn({ crypto, subtle: crypto.subtle, key, URL, address, params: address.searchParams,
                        URLSearchParams, atob, btoa, TextEncoder, TextDecoder, structuredClone, queueMicrotask, console,
                        encoder: new TextEncoder(), decoder: new TextDecoder() }, 0, new Set());
                    if (found === null) {
                        throw new Error('no host object reachable');
                    }
                    return found;
                },
                'crypto given a host object': (exchange) => crypto.subtle.digest('SHA-256', exchange.request),
                'crypto constructor': () => crypto.randomUUID.constructor('return this')().Java.type('java.lang.Runtime'),
            };

            export async function filter(exchange, chain) {
                const name = exchange.request.query.get('try');
                if (name === null) {
                    return Response.json(Object.keys(attempts));
                }
                try {
                    const value = await attempts[name](exchange);
                    return Response.json({ allowed: String(value).slice(0, 60) });
                } catch (e) {
                    return Response.json({ kind: e?.constructor?.name ?? typeof e, code: e?.code ?? null,
                        message: String(e?.message ?? e) });
                }
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
                  - { id: escapes, match: { path: /escapes }, upstream: echo, filters: [ { script: { file: escapes.js, timeout: 2s } } ] }
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

    /** An escape attempt and the exact refusal it must meet: the error's class and its message. */
    record Escape(String attempt, String kind, String message) {
        @Override
        public String toString() {
            return attempt;
        }
    }

    static Stream<Escape> escapes() {
        return Stream.of(
                new Escape("Java.type", "ReferenceError", "Java is not defined"),
                new Escape("Polyglot.eval", "ReferenceError", "Polyglot is not defined"),
                new Escape("load", "TypeError", "Cannot load script: /etc/passwd"),
                new Escape("require", "ReferenceError", "require is not defined"),
                new Escape("import", "Error", "Cannot find module 'fs' imported from /escapes.js"),
                new Escape("import out of scripts", "Error", "Cannot find module '/etc/passwd' imported from /escapes.js"),
                new Escape("process", "ReferenceError", "process is not defined"),
                new Escape("fetch", "TypeError", "globalThis.fetch is not a function"),
                new Escape("upstream by url", "Error", "no upstream named 'http://127.0.0.1:9/' in the config (known: echo)"),
                new Escape("internals", "Error", "no host object reachable"),
                new Escape("getClass", "TypeError", "exchange.request.headers.get.constructor(...)(...).getClass is not a function"),
                new Escape("web globals", "Error", "no host object reachable"),
                new Escape("crypto given a host object", "TypeError", "digest: data must be an ArrayBuffer, a typed array or a DataView"),
                new Escape("crypto constructor", "TypeError", "Cannot read property 'type' of undefined"));
    }

    @Test
    void theTableCoversEveryAttemptOfTheScript() throws Exception {
        List<String> inScript = new ArrayList<>();
        JSON.readTree(gateway.get("/escapes").body()).forEach(name -> inScript.add(name.asText()));
        assertEquals(escapes().map(Escape::attempt).toList(), inScript);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapes")
    void everySandboxEscapeMeetsItsRefusal(Escape escape) throws Exception {
        HttpResponse<String> response = gateway.get("/escapes?try=" + URLEncoder.encode(escape.attempt(), StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode refusal = JSON.readTree(response.body());
        assertEquals(escape.kind() + ": " + escape.message(),
                refusal.path("kind").asText() + ": " + refusal.path("message").asText(), response.body());
    }

    @Test
    void aFetchByUrlIsRefusedAsAnUnknownUpstream() throws Exception {
        JsonNode refusal = JSON.readTree(gateway.get("/escapes?try=upstream%20by%20url").body());
        assertEquals("unknown_upstream", refusal.path("code").asText(), refusal.toString());
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
