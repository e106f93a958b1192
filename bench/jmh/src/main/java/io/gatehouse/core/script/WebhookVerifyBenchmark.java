package io.gatehouse.core.script;

import io.gatehouse.api.Body;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Filter;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cost of checking a webhook's HMAC-SHA-256 signature per request: the shipped {@code verify-webhook.js}
 * ({@code crypto.subtle.verify} through the helper module {@code lib/hmac.js}) against the same check written as a
 * Java filter ({@code javax.crypto.Mac}, {@code MessageDigest.isEqual}). Each call is a POST with a 1 KiB body and a
 * valid signature, through {@link ScriptFilter#filter} with a chain that answers at once. bench/jmh/run-webhook
 * runs it on the optimizing Truffle runtime and on the interpreter. The script's time limit is 5 s, not the default
 * 50 ms: a call stopped by the limit (a collection, the compiler taking the CPU) would end the measurement.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class WebhookVerifyBenchmark {

    private static final String SECRET = "It's a Secret to Everybody";

    @Param({"verify-webhook.js", "java"})
    public String filterKind;

    private Path folder;
    private ScriptHost host;
    private Filter filter;
    private String body;
    private String signature;
    private final Chain chain = exchange -> Response.text(200, "accepted");

    /** Loads the example (and its helper module) into a fresh runtime over a temporary scripts folder. */
    @Setup
    public void setUp() throws Exception {
        body = "{\"action\":\"opened\",\"padding\":\"" + "x".repeat(990) + "\"}";
        signature = "sha256=" + HexFormat.of().formatHex(mac().doFinal(body.getBytes(StandardCharsets.UTF_8)));
        if (filterKind.equals("java")) {
            filter = (exchange, next) -> {
                String header = exchange.request().headers().first("X-Hub-Signature-256").orElse("");
                byte[] bytes = exchange.request().body().readAll(ScriptHost.BODY_LIMIT);
                exchange.request().body(Body.of(bytes));
                byte[] expected = mac().doFinal(bytes);
                byte[] given;
                try {
                    given = header.startsWith("sha256=") ? HexFormat.of().parseHex(header.substring(7)) : new byte[0];
                } catch (IllegalArgumentException e) {
                    given = new byte[0];
                }
                return MessageDigest.isEqual(expected, given) ? next.proceed(exchange)
                        : Response.text(401, "bad or missing signature");
            };
            return;
        }
        folder = Files.createTempDirectory("gatehouse-jmh-webhook");
        Path examples = Path.of(System.getProperty("gatehouse.examples", "scripts/examples"));
        Files.createDirectories(folder.resolve("lib"));
        Files.copy(examples.resolve("verify-webhook.js"), folder.resolve("verify-webhook.js"));
        Files.copy(examples.resolve("lib/hmac.js"), folder.resolve("lib/hmac.js"));
        host = ScriptHost.start(folder);
        filter = new ScriptFilter(host, host.resolve(filterKind), new ScriptCallBenchmark.NoUpstreams(),
                "{\"secret\":\"It's a Secret to Everybody\"}", Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private static Mac mac() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac;
    }

    /** Closes the runtime and removes the folder. */
    @TearDown
    public void tearDown() throws IOException {
        if (host != null) {
            host.close();
        }
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** One signed webhook through the filter. */
    @Benchmark
    public Response call() throws Exception {
        Headers headers = Headers.of("Host", "localhost", "Content-Type", "application/json",
                "X-Hub-Signature-256", signature, "X-Request-Id", "0123456789abcdef");
        Response response = filter.filter(ScriptCallBenchmark.exchange(new Request("POST", "http", "localhost",
                "/hooks/github", "", headers, Body.of(body))), chain);
        if (response.status() != 200) {
            throw new IllegalStateException("the signature was refused: " + response.status());
        }
        return response;
    }
}
