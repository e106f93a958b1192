package io.gatehouse.core.script;

import io.gatehouse.api.Body;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.UpstreamCalls;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cost of one script call as the chain makes it: {@link ScriptFilter#filter} with a fresh exchange (a request
 * with four headers, as the server builds one per request) and a chain whose {@code proceed} answers a small text
 * response at once, so what is measured is the script machinery (pool, watchdog, the prelude's objects, the
 * crossings between Java and JavaScript), not an upstream. Scripts: {@code add-headers.js} (the example: a header in,
 * a header out), {@code passthrough.js} ({@code return chain.proceed(exchange)}); {@code java} is the same work as
 * add-headers.js written as a Java filter, the floor. bench/jmh/run-scripts runs it once on the optimizing Truffle
 * runtime and once on the interpreter (the JVM's flags decide which: see that script).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ScriptCallBenchmark {

    @Param({"add-headers.js", "passthrough.js", "java"})
    public String script;

    private Path folder;
    private ScriptHost host;
    private Filter filter;
    private final Chain chain = exchange -> Response.text(200, "hello");

    /** Loads the script into a fresh runtime over a temporary scripts folder. */
    @Setup
    public void setUp() throws IOException {
        folder = Files.createTempDirectory("gatehouse-jmh-scripts");
        Files.copy(Path.of(System.getProperty("gatehouse.examples", "scripts/examples"), "add-headers.js"),
                folder.resolve("add-headers.js"));
        Files.writeString(folder.resolve("passthrough.js"),
                "export function filter(exchange, chain) { return chain.proceed(exchange); }\n");
        if (script.equals("java")) {
            filter = (exchange, next) -> {
                exchange.request().headers().set("X-Client-Ip", exchange.clientIp());
                Response response = next.proceed(exchange);
                response.headers().set("X-Served-By", "gatehouse");
                return response;
            };
            return;
        }
        host = ScriptHost.start(folder);
        filter = new ScriptFilter(host, host.resolve(script), new NoUpstreams(), "{}", Duration.ofMillis(50),
                Duration.ofSeconds(5));
    }

    /** Closes the runtime and removes the folder. */
    @TearDown
    public void tearDown() throws IOException {
        if (host != null) {
            host.close();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** One request through the filter. */
    @Benchmark
    public Response call() throws Exception {
        Headers headers = Headers.of("Host", "localhost", "User-Agent", "wrk", "Accept", "*/*",
                "X-Request-Id", "0123456789abcdef");
        return filter.filter(exchange(new Request("GET", "http", "localhost", "/hello", "", headers, Body.empty())),
                chain);
    }

    /** A fresh exchange for {@code request}, as the server makes one per request. */
    static GatewayExchange exchange(Request request) {
        return new GatewayExchange("0123456789abcdef", request, "bench", Map.of(), "127.0.0.1", "127.0.0.1",
                System.nanoTime());
    }

    /** The upstreams of a benchmark that fetches nothing. */
    static final class NoUpstreams implements UpstreamCalls {
        @Override
        public Set<String> names() {
            return Set.of();
        }

        @Override
        public Response call(String upstream, Request request, Duration timeout, GatewayExchange parent) {
            throw new UnsupportedOperationException("no upstreams in this benchmark");
        }
    }
}
