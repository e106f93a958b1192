package io.gatehouse.core.script;

import io.gatehouse.core.testing.Backend;
import io.gatehouse.core.testing.EchoRoutes;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.gatehouse.core.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A script version is warmed up on synthetic requests before it serves (see {@link WarmUp}); none of it shows:
 * no fetch leaves the gateway, nothing reaches the log, module state in the serving Contexts is untouched, and a
 * script that throws or never returns on the synthetic request loads and answers as it would have anyway.
 */
class ScriptWarmUpIT {

    /** Counts, logs, fetches and tags the response with the number of calls its Context has seen. */
    private static final String NOISY = """
            let calls = 0;
            console.log('noisy: module evaluated');
            export async function filter(exchange, chain) {
                calls++;
                console.log('noisy: console from call ' + calls);
                log.info('noisy: log from call ' + calls);
                const hit = await exchange.upstreams.fetch('counter', { path: '/hit' });
                const response = chain.proceed(exchange);
                response.headers.set('X-Calls', String(calls));
                response.headers.set('X-Hit', String(hit.status));
                return response;
            }
            """;
    private static final Pattern WARMED = Pattern.compile("script (\\S+) loaded \\(version (\\d+); warm-up: (\\d+) calls");

    private static final AtomicInteger hits = new AtomicInteger();
    private static Backend echo;
    private static Backend counter;

    @BeforeAll
    static void backends() {
        echo = Backend.start(EchoRoutes::register);
        counter = Backend.start(routing -> routing.any("/hit", (req, res) -> {
            hits.incrementAndGet();
            res.send("hit");
        }));
    }

    @AfterAll
    static void stop() {
        echo.close();
        counter.close();
    }

    /** A generous per-call limit: a call cut by it would replace its Context (and evaluate the module again). */
    private static String config(String route, String file) {
        return """
                upstreams:
                  echo: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                  counter: { discovery: { type: static, endpoints: [ { url: "%s" } ] } }
                routes:
                  - { id: %s, match: { path: /%s }, upstream: echo, filters: [ { script: { file: %s, timeout: 5s } } ] }
                """.formatted(echo.url(), counter.url(), route, route, file);
    }

    /** @return the warm-up calls the log line of {@code file}'s version {@code version} reports */
    private static int warmUpCalls(LogCapture log, String file, int version) {
        for (LogCapture.Line line : log.containing("warm-up:")) {
            Matcher matcher = WARMED.matcher(line.message());
            if (matcher.find() && matcher.group(1).equals(file) && Integer.parseInt(matcher.group(2)) == version) {
                return Integer.parseInt(matcher.group(3));
            }
        }
        throw new AssertionError("no load line for " + file + " version " + version + " in " + log.lines());
    }

    @Test
    void warmUpCallsNeverFetchNeverLogAndLeaveTheServingContextsStateAlone() throws Exception {
        Path home = ScriptHome.create();
        ScriptHome.write(home, "noisy.js", NOISY);
        try (LogCapture log = LogCapture.of("");
             GatewayFixture gateway = GatewayFixture.start(home, config("noisy", "noisy.js"))) {
            assertTrue(warmUpCalls(log, "noisy.js", 1) >= 1, "the version was warmed up: " + log.containing("warm-up"));
            assertEquals(0, hits.get(), "no warm-up fetch reached an upstream");
            assertEquals(List.of(), log.containing("noisy: console from"), "no warm-up console output");
            assertEquals(List.of(), log.containing("noisy: log from"), "no warm-up log line");
            assertEquals(1, log.containing("noisy: module evaluated").size(),
                    "only the serving Context's module evaluation printed: " + log.containing("noisy: module"));

            HttpResponse<String> first = gateway.get("/noisy");
            assertEquals(200, first.statusCode(), first.body());
            assertEquals("1", first.headers().firstValue("X-Calls").orElse(null), "the first real call is call 1");
            assertEquals("200", first.headers().firstValue("X-Hit").orElse(null));
            assertEquals(1, hits.get());
            assertEquals(1, log.containing("noisy: log from call 1").size(), log.containing("noisy:").toString());

            // a save: the new version is warmed up too, and as quietly
            log.clear();
            ScriptHome.write(home, "noisy.js", NOISY.replace("X-Calls", "X-Calls-2"));
            ScriptHome.await("version 2 served", () -> gateway.get("/noisy").headers().firstValue("X-Calls-2").isPresent());
            ScriptHome.await("version 2's load logged", () -> !log.containing("(version 2; warm-up:").isEmpty());
            assertTrue(warmUpCalls(log, "noisy.js", 2) >= 1, "version 2 was warmed up");
            int realCalls = hits.get() - 1;   // one fetch per real call since the first request
            assertEquals(realCalls, log.containing("noisy: log from").size(), "only real calls log");
            assertEquals(realCalls, log.containing("noisy: console from").size(), "only real calls print");
            assertEquals(1, log.containing("noisy: module evaluated").size(), "version 2's serving Context only: " + log.lines());
        }
    }

    @Test
    void aScriptThatThrowsOrNeverReturnsOnTheWarmUpRequestLoadsAndAnswersAsBefore() throws Exception {
        Path home = ScriptHome.create();
        ScriptHome.write(home, "throws.js", """
                export function filter(exchange, chain) {
                    throw new Error('thrown by the filter for ' + exchange.request.path);
                }
                """);
        ScriptHome.write(home, "spins.js", """
                export function filter(exchange, chain) {
                    while (true) {
                    }
                }
                """);
        String yaml = config("throws", "throws.js")
                + "  - { id: spins, match: { path: /spins }, upstream: echo, filters: [ { script: spins.js } ] }\n";
        try (LogCapture log = LogCapture.of("");
             GatewayFixture gateway = GatewayFixture.start(home, yaml)) {
            assertTrue(warmUpCalls(log, "throws.js", 1) >= 1, "a throwing filter is warmed up all the same");
            assertEquals(1, warmUpCalls(log, "spins.js", 1), "the endless call was stopped and warm-up ended there");
            assertEquals(List.of(), log.containing("thrown by the filter"), "warm-up failures are not logged");
            assertEquals(List.of(), log.containing("ran too long"), "nor is the stopped warm-up call");

            HttpResponse<String> thrown = gateway.get("/throws");
            assertEquals(500, thrown.statusCode(), thrown.body());
            assertProblem(thrown, "script_error");
            assertEquals(1, log.containing("thrown by the filter for /throws").size(), log.lines().toString());

            HttpResponse<String> spun = gateway.get("/spins");
            assertEquals(500, spun.statusCode(), spun.body());
            assertProblem(spun, "script_timeout");

            ScriptHome.write(home, "spins.js", ScriptHome.versioned(1));
            ScriptHome.await("the fixed file served", () -> ScriptHome.served(gateway, "/spins").equals("200/1"));
        }
    }
}
