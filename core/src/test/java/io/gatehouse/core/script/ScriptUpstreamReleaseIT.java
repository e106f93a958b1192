package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.gatehouse.core.testing.EchoRoutes.JSON;
import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a script lets go of is given back: upstream responses it drops are closed, fetches still running when its
 * call ends are aborted, and a call's fetches are bounded. Counted at the test upstreams' sockets, never by forcing
 * a GC.
 */
class ScriptUpstreamReleaseIT {

    private static final String MEGABYTE = "x".repeat(1024 * 1024);
    private static final int SCRIPT_BODY_LIMIT = 10 * 1024 * 1024;

    private static final Semaphore TRICKLE_ARRIVED = new Semaphore(0);
    private static final Semaphore SILENT_ARRIVED = new Semaphore(0);
    private static final Semaphore HELD_TICKETS = new Semaphore(0);
    private static final AtomicInteger HELD_IN_FLIGHT = new AtomicInteger();
    private static final AtomicInteger HELD_MOST = new AtomicInteger();

    /** One upstream per dropped-response case, so each counts its own connections. */
    private static final Map<String, RawUpstream> BIG = new LinkedHashMap<>();
    private static RawUpstream huge;
    private static RawUpstream trickle;
    private static RawUpstream gate;
    private static RawUpstream held;
    private static RawUpstream fast;
    private static RawUpstream silent;
    private static RawUpstream silentGate;
    private static GatewayFixture gateway;

    /** A way to drop the response of {@code chain.proceed}; {@code timeout}: the script's time limit. */
    record Dropped(String desc, String script, int requests, int status, String timeout) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Dropped> droppedResponses() {
        return Stream.of(
                new Dropped("proceeded, then answered with its own response", """
                        export function filter(exchange, chain) {
                            chain.proceed(exchange);
                            return Response.json({ dropped: true });
                        }
                        """, 50, 200, "1s"),
                new Dropped("threw after proceeding", """
                        export function filter(exchange, chain) {
                            chain.proceed(exchange);
                            throw new Error('after proceed');
                        }
                        """, 50, 500, "1s"),
                new Dropped("ran past its time limit after proceeding", """
                        export function filter(exchange, chain) {
                            chain.proceed(exchange);
                            while (true) {
                            }
                        }
                        """, 6, 500, "20ms"));
    }

    private static String routeName(Dropped dropped) {
        return "dropped-" + droppedResponses().toList().indexOf(dropped);
    }

    @BeforeAll
    static void start() throws Exception {
        Path home = ScriptHome.create();
        StringBuilder upstreams = new StringBuilder();
        StringBuilder routes = new StringBuilder();
        for (Dropped dropped : droppedResponses().toList()) {
            String name = routeName(dropped);
            RawUpstream upstream = RawUpstream.start(request -> RawUpstream.Reply.ok(MEGABYTE));
            BIG.put(name, upstream);
            ScriptHome.write(home, name + ".js", dropped.script());
            upstreams.append("  %s: { discovery: { type: static, endpoints: [ { url: \"%s\" } ] } }\n"
                    .formatted(name, upstream.url()));
            routes.append("  - { id: %s, match: { path: /%s }, upstream: %s, filters: [ { script: { file: %s.js, timeout: %s } } ] }\n"
                    .formatted(name, name, name, name, dropped.timeout()));
        }
        huge = RawUpstream.start(request -> RawUpstream.Reply.ok("y".repeat(SCRIPT_BODY_LIMIT + 1)));
        trickle = RawUpstream.start(request -> {
            TRICKLE_ARRIVED.release();
            // a tenth of a kilobyte of a promised megabyte, then nothing: the connection stays open
            return RawUpstream.Reply.of("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + "t".repeat(100));
        });
        gate = RawUpstream.start(request -> {
            try {
                return TRICKLE_ARRIVED.tryAcquire(30, TimeUnit.SECONDS) ? RawUpstream.Reply.ok("open")
                        : RawUpstream.Reply.ok("timed out");
            } catch (InterruptedException e) {
                return null;
            }
        });
        held = RawUpstream.start(request -> {
            HELD_MOST.accumulateAndGet(HELD_IN_FLIGHT.incrementAndGet(), Math::max);
            try {
                HELD_TICKETS.acquire();
            } catch (InterruptedException e) {
                return null;
            } finally {
                HELD_IN_FLIGHT.decrementAndGet();
            }
            return RawUpstream.Reply.ok("held");
        });
        fast = RawUpstream.start(request -> RawUpstream.Reply.ok("fast"));
        silent = RawUpstream.start(request -> {
            SILENT_ARRIVED.release();
            return RawUpstream.Reply.silence(); // no head, ever
        });
        silentGate = RawUpstream.start(request -> {
            try {
                return SILENT_ARRIVED.tryAcquire(30, TimeUnit.SECONDS) ? RawUpstream.Reply.ok("open")
                        : RawUpstream.Reply.ok("timed out");
            } catch (InterruptedException e) {
                return null;
            }
        });
        ScriptHome.write(home, "orphan-head.js", """
                export async function filter(exchange, chain) {
                    exchange.upstreams.fetch('silent', { path: '/', timeout: 60000 });   // never awaited, never answered
                    await exchange.upstreams.fetch('silent_gate', { path: '/' });
                    return Response.text('done');
                }
                """);
        ScriptHome.write(home, "body-text.js", """
                export function filter(exchange, chain) {
                    const response = chain.proceed(exchange);
                    response.text();
                    return response;
                }
                """);
        ScriptHome.write(home, "body-fetch.js", """
                export async function filter(exchange, chain) {
                    return await exchange.upstreams.fetch('huge', { path: '/' });
                }
                """);
        ScriptHome.write(home, "body-fetch-caught.js", """
                export async function filter(exchange, chain) {
                    try {
                        return await exchange.upstreams.fetch('huge', { path: '/' });
                    } catch (e) {
                        return Response.json({ code: e.code, status: e.status, upstream: e.upstream });
                    }
                }
                """);
        ScriptHome.write(home, "orphan.js", """
                export async function filter(exchange, chain) {
                    exchange.upstreams.fetch('trickle', { path: '/', timeout: 60000 });   // never awaited
                    await exchange.upstreams.fetch('gate', { path: '/' });
                    if (exchange.request.query.get('then') === 'spin') {
                        while (true) {
                        }
                    }
                    return Response.text('done');
                }
                """);
        ScriptHome.write(home, "many.js", """
                export async function filter(exchange, chain) {
                    const all = [];
                    for (let i = 0; i < 40; i++) {
                        all.push(exchange.upstreams.fetch('held', { path: '/' + i }));
                    }
                    const answers = await Promise.all(all);
                    return Response.json({ count: answers.length });
                }
                """);
        ScriptHome.write(home, "too-many.js", """
                export async function filter(exchange, chain) {
                    const all = [];
                    for (let i = 0; i < 300; i++) {
                        all.push(exchange.upstreams.fetch('fast', { path: '/' }));
                    }
                    const results = await Promise.allSettled(all);
                    const refused = results.filter(r => r.status === 'rejected').map(r => r.reason.code);
                    return Response.json({ ok: results.length - refused.length, refused: refused.length,
                        codes: [...new Set(refused)] });
                }
                """);
        gateway = GatewayFixture.start(home, """
                upstreams:
                %s  huge: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  trickle: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  gate: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  held: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  fast: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  silent:
                    discovery: { type: static, endpoints: [ { url: "%s" } ] }
                    health: { passive: { consecutive_failures: 1, ejection_time: 60s } }
                  silent_gate: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                %s  - { id: body-text, match: { path: /body-text }, upstream: huge, filters: [ { script: { file: body-text.js, timeout: 1s } } ] }
                  - { id: body-fetch, match: { path: /body-fetch }, upstream: huge, filters: [ { script: { file: body-fetch.js, timeout: 1s } } ] }
                  - { id: body-fetch-caught, match: { path: /body-fetch-caught }, upstream: huge, filters: [ { script: { file: body-fetch-caught.js, timeout: 1s } } ] }
                  - { id: orphan, match: { path: /orphan }, upstream: gate, filters: [ { script: { file: orphan.js, timeout: 1s } } ] }
                  - { id: many, match: { path: /many }, upstream: held, filters: [ { script: { file: many.js, timeout: 1s } } ] }
                  - { id: too-many, match: { path: /too-many }, upstream: fast, filters: [ { script: { file: too-many.js, timeout: 2s } } ] }
                  - { id: orphan-head, match: { path: /orphan-head }, upstream: silent_gate, filters: [ { script: { file: orphan-head.js, timeout: 1s } } ] }
                """.formatted(upstreams, huge.url(), trickle.url(), gate.url(), held.url(), fast.url(), silent.url(),
                silentGate.url(), routes));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        BIG.values().forEach(RawUpstream::close);
        Stream.of(huge, trickle, gate, held, fast, silent, silentGate).forEach(RawUpstream::close);
    }

    private static long open(RawUpstream upstream) {
        return IntStream.range(0, upstream.connections()).filter(connection -> !upstream.closed(connection)).count();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("droppedResponses")
    void aResponseTheScriptDropsIsClosed(Dropped dropped) throws Exception {
        String name = routeName(dropped);
        RawUpstream upstream = BIG.get(name);
        for (int i = 0; i < dropped.requests(); i++) {
            HttpResponse<String> response = gateway.get("/" + name);
            assertEquals(dropped.status(), response.statusCode(), response.body());
        }
        assertEquals(dropped.requests(), upstream.received().size());
        ScriptHome.await("at most 2 of " + upstream.connections() + " upstream connections open",
                () -> open(upstream) <= 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tooLarge")
    void anUpstreamBodyTooLargeForTheScriptIsTheUpstreamsFault(String path) throws Exception {
        HttpResponse<String> response = gateway.get(path);
        assertEquals(502, response.statusCode(), response.body());
        assertProblem(response, "upstream_body_too_large");
    }

    static Stream<String> tooLarge() {
        return Stream.of("/body-text", "/body-fetch");
    }

    @Test
    void aFetchOfABodyTooLargeRejectsWithTheUpstreamsFault() throws Exception {
        JsonNode error = JSON.readTree(gateway.get("/body-fetch-caught").body());
        assertEquals("upstream_body_too_large", error.get("code").asText(), error.toString());
        assertEquals(502, error.get("status").asInt(), error.toString());
        assertEquals("huge", error.get("upstream").asText(), error.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callEnds")
    void aFetchStillRunningWhenTheCallEndsIsAborted(CallEnd end) throws Exception {
        int before = trickle.received().size();
        HttpResponse<String> response = gateway.get("/orphan" + end.query());
        assertEquals(end.status(), response.statusCode(), response.body());
        RawUpstream.Received abandoned = trickle.received().get(before);
        ScriptHome.await("the abandoned fetch's upstream connection closed", () -> trickle.closed(abandoned.connection()));
    }

    /**
     * A fetch still waiting for its upstream's head when the call ends is aborted too (its connection closed), and
     * that counts as a cancellation, not as the upstream's failure: with ejection after one failure, the upstream
     * stays healthy.
     */
    @Test
    void aFetchWaitingForItsHeadWhenTheCallEndsIsAbortedWithoutBlamingTheUpstream() throws Exception {
        int before = silent.received().size();
        HttpResponse<String> response = gateway.get("/orphan-head");
        assertEquals(200, response.statusCode(), response.body());
        RawUpstream.Received abandoned = silent.received().get(before);
        ScriptHome.await("the abandoned fetch's upstream connection closed", () -> silent.closed(abandoned.connection()));
        JsonNode upstreams = JSON.readTree(gateway.admin("/upstreams").body()).get("upstreams");
        for (JsonNode upstream : upstreams) {
            if (upstream.get("name").asText().equals("silent")) {
                String state = upstream.get("endpoints").get(0).get("health").get("state").asText();
                assertEquals("healthy", state, "a cancelled fetch is not the upstream's failure: " + upstream);
                return;
            }
        }
        throw new AssertionError("no upstream 'silent' in " + upstreams);
    }

    record CallEnd(String desc, String query, int status) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<CallEnd> callEnds() {
        return Stream.of(new CallEnd("the call returns without awaiting it", "", 200),
                new CallEnd("the call runs past its time limit", "?then=spin", 500));
    }

    @Test
    void aCallHasAtMost16FetchesInFlightAndTheRestWaitTheirTurn() throws Exception {
        HELD_MOST.set(0);
        CompletableFuture<HttpResponse<String>> answer = gateway.client().sendAsync(
                HttpRequest.newBuilder(gateway.uri("/many")).build(), HttpResponse.BodyHandlers.ofString());
        ScriptHome.await("16 fetches at the upstream", () -> held.received().size() >= 16);
        HELD_TICKETS.release(40);
        HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(40, JSON.readTree(response.body()).get("count").asInt());
        assertEquals(16, HELD_MOST.get(), "the most fetches of one call at the upstream at once");
    }

    @Test
    void aCallMayStartAt256FetchesTheRestAreRefused() throws Exception {
        HttpResponse<String> response = gateway.get("/too-many");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode counts = JSON.readTree(response.body());
        assertEquals(256, counts.get("ok").asInt(), counts.toString());
        assertEquals(44, counts.get("refused").asInt(), counts.toString());
        assertEquals("[\"too_many_fetches\"]", counts.get("codes").toString());
    }
}
