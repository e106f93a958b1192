package io.gatehouse.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/gatehouse-prepare} on the unpacked tarball, as a user runs it after installing: it links runtime/ (the
 * JDK without its placeholder Graal compiler module) and trains the AOT cache; {@code bin/gatehouse} then starts on
 * that runtime with the cache, and JavaScript filters still run compiled; {@code --remove} goes back to the JDK.
 */
class PreparedRuntimeIT {

    @TempDir
    Path unpacked;

    @Test
    void thePreparedRuntimeServesPluginsAndScriptsWithTheAotCacheAndCanBeRemoved() throws Exception {
        Path home = unpack();
        Command.Result prepared = Command.run(home, List.of(home.resolve("bin/gatehouse-prepare").toString()), 300);
        assertEquals(0, prepared.exitCode(), prepared.output());
        Path runtime = home.resolve("runtime");
        assertTrue(Files.size(runtime.resolve("gatehouse.aot")) > 0, "no AOT cache: " + prepared.output());
        Command.Result modules = Command.run(home, List.of(runtime.resolve("bin/java").toString(),
                "--list-modules"), 60);
        assertTrue(modules.output().contains("java.base@"), modules.output());
        assertFalse(modules.output().contains("jdk.graal.compiler@"),
                "the runtime must not hold the JDK's placeholder compiler module: " + modules.output());

        int port = freePort();
        int demoPort = freePort();
        Path config = home.resolve("conf/prepared.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: %d }
                admin:  { host: 127.0.0.1, port: %d }
                demo:   { enabled: true, port: %d }
                upstreams:
                  demo:
                    discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:%d" } ] }
                routes:
                  - id: scripted
                    match: { path: /scripted/*rest }
                    upstream: demo
                    strip_prefix: 1
                    filters:
                      - headers: { response: { set: { X-Plugin: "headers" } } }
                      - script:
                          file: examples/add-headers.js
                          config: { request: { X-Tenant: acme }, response: { X-Frame-Options: DENY } }
                """.formatted(port, freePort(), demoPort, demoPort));
        Path log = unpacked.resolve("gateway.log");
        Process gateway = new ProcessBuilder(home.resolve("bin/gatehouse").toString(), "run", "--config",
                config.toString()).directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        try {
            HttpResponse<String> response = awaitAnswer(port, "/scripted/anything", gateway, log);
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("acme"), "the script's request header reached the upstream: "
                    + response.body());
            assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(null));
            assertEquals("headers", response.headers().firstValue("X-Plugin").orElse(null));

            String command = gateway.toHandle().info().command().orElse("");
            assertEquals(runtime.resolve("bin/java").toRealPath().toString(), Path.of(command).toRealPath().toString(),
                    "bin/gatehouse runs the prepared runtime");
            String cmdline = Files.readString(Path.of("/proc/" + gateway.pid() + "/cmdline")).replace('\0', ' ');
            assertTrue(cmdline.contains("-XX:AOTCache=" + runtime.resolve("gatehouse.aot")), cmdline);
            assertFalse(cmdline.contains("--upgrade-module-path"), cmdline);
            String output = Files.readString(log);
            assertTrue(output.contains("optimizing Truffle runtime"), "scripts run compiled on the runtime: " + output);
        } finally {
            gateway.destroy();
            assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway did not stop on SIGTERM");
        }

        // a JAR changed after preparing: the JVM leaves the cache unused, and no warning of its reaches the output
        try (java.util.stream.Stream<Path> jars = Files.list(home.resolve("lib"))) {
            Path core = jars.filter(jar -> jar.getFileName().toString().startsWith("gatehouse-core-")).findFirst()
                    .orElseThrow();
            Files.setLastModifiedTime(core, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(60)));
        }
        Command.Result check = Command.run(home, List.of(home.resolve("bin/gatehouse").toString(), "check",
                config.toString()), 60);
        assertEquals(0, check.exitCode(), check.output());
        assertEquals(config + ": OK", check.output().strip(), "nothing but the check's line");

        Command.Result removed = Command.run(home, List.of(home.resolve("bin/gatehouse-prepare").toString(),
                "--remove"), 60);
        assertEquals(0, removed.exitCode(), removed.output());
        assertFalse(Files.exists(runtime));
        Command.Result version = Command.run(home, List.of(home.resolve("bin/gatehouse").toString(), "version"), 60);
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().startsWith("Gatehouse "), version.output());
    }

    private Path unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("gatehouse.dist.tarball"));
        Command.Result untar = Command.run(unpacked, List.of("tar", "xzf", tarball.toString(), "-C",
                unpacked.toString()), 60);
        assertEquals(0, untar.exitCode(), untar.output());
        return unpacked.resolve("gatehouse-" + System.getProperty("gatehouse.dist.version"));
    }

    private static HttpResponse<String> awaitAnswer(int port, String path, Process gateway, Path log)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plusSeconds(90);
        while (true) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                if (!gateway.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the gateway did not answer: " + Files.readString(log), e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A command run to its end, its output (stdout and stderr) kept. */
    private static final class Command {

        record Result(int exitCode, String output) {
        }

        static Result run(Path dir, List<String> command, int timeoutSeconds) throws Exception {
            Path out = Files.createTempFile("gatehouse-it-", ".out");
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " ran past " + timeoutSeconds + " s: "
                            + Files.readString(out, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }
}
