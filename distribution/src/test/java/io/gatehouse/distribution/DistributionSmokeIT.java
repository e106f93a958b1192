package io.gatehouse.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks the built tarball and drives it the way a user does: {@code bin/gatehouse run} on the
 * shipped config, the demo routes, {@code bin/gatehouse check}, the admin API, SIGTERM.
 * Runs in failsafe's integration-test phase, after {@code package} has built the tarball.
 */
class DistributionSmokeIT {

    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final Pattern PROBLEM_LINE = Pattern.compile("^\\S+: .+$", Pattern.MULTILINE);

    @TempDir
    static Path unpacked;

    private static Path home;
    private static Process gateway;
    private static Path gatewayLog;
    private static int port;
    private static int adminPort;
    private static final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @BeforeAll
    static void unpackAndStart() throws Exception {
        Path tarball = Path.of(System.getProperty("gatehouse.dist.tarball"));
        assertTrue(Files.isRegularFile(tarball), "no tarball at " + tarball + "; run `mvn package` first");
        Result untar = exec(List.of("tar", "xzf", tarball.toString(), "-C", unpacked.toString()), Map.of());
        assertEquals(0, untar.exitCode(), "tar failed: " + untar.output());
        home = unpacked.resolve("gatehouse-" + System.getProperty("gatehouse.dist.version"));
        assertTrue(Files.isExecutable(home.resolve("bin/gatehouse")), "bin/gatehouse is not executable");

        port = freePort();
        adminPort = freePort();
        int demoPort = freePort();
        gatewayLog = unpacked.resolve("gateway.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/gatehouse").toString(), "run")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(gatewayLog.toFile());
        builder.environment().putAll(Map.of(
                "GATEHOUSE_PORT", Integer.toString(port),
                "GATEHOUSE_ADMIN_PORT", Integer.toString(adminPort),
                "GATEHOUSE_DEMO_PORT", Integer.toString(demoPort)));
        gateway = builder.start();
        awaitDemoRoute();
    }

    /** SIGTERM must stop the gateway: bin/gatehouse execs java, so the JVM receives it directly. */
    @AfterAll
    static void sigtermStopsTheGateway() throws Exception {
        if (gateway == null) {
            return;
        }
        gateway.destroy();
        boolean exited = gateway.waitFor(30, TimeUnit.SECONDS);
        gateway.destroyForcibly();
        assertTrue(exited, "gateway still running 30 s after SIGTERM" + log());
    }

    @Test
    void demoHelloRouteAnswers() throws Exception {
        HttpResponse<String> response = get(port, "/demo/hello");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().toLowerCase().contains("hello"), "body: " + response.body());
    }

    @Test
    void demoEchoRouteStripsPrefixAndRunsThePluginFilter() throws Exception {
        HttpResponse<String> response = get(port, "/demo/anything?x=1");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(Pattern.compile("\"path\"\\s*:\\s*\"/anything\"").matcher(response.body()).find(),
                "echo should show the upstream path /anything: " + response.body());
        // Set by the headers plugin, which is loaded from plugins/, never from lib/.
        assertEquals("true", response.headers().firstValue("X-Gatehouse-Demo").orElse(null),
                "X-Gatehouse-Demo missing: was the headers plugin loaded from plugins/? " + log());
    }

    /** Every JAR in plugins/ loads the way it is shipped: started, nothing refused. */
    @Test
    void everyShippedPluginStarts() throws Exception {
        long jars;
        try (Stream<Path> plugins = Files.list(home.resolve("plugins"))) {
            jars = plugins.filter(p -> p.toString().endsWith(".jar")).count();
        }
        String body = get(adminPort, "/plugins").body();
        assertEquals(jars, Pattern.compile("\"state\"\\s*:\\s*\"started\"").matcher(body).results().count(), body);
        assertTrue(Pattern.compile("\"problems\"\\s*:\\s*\\[\\s*]").matcher(body).find(), body);
    }

    @Test
    void adminHealthAnswers() throws Exception {
        assertEquals(200, get(adminPort, "/health").statusCode());
    }

    @Test
    void checkAcceptsTheShippedConfig() throws Exception {
        Result check = exec(List.of(home.resolve("bin/gatehouse").toString(), "check", "conf/gatehouse.yaml"), Map.of());
        assertEquals(0, check.exitCode(), check.output());
        assertTrue(check.output().contains("OK"), check.output());
    }

    @Test
    void hashKeyPrintsTheHashOfTheKeyOnStdinAndNotTheKey() throws Exception {
        Process process = new ProcessBuilder(home.resolve("bin/gatehouse").toString(), "hash-key")
                .directory(home.toFile())
                .start();
        process.getOutputStream().write("s3cr3t-key\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "hash-key did not finish");
        assertEquals(0, process.exitValue(), out);
        // printf %s s3cr3t-key | sha256sum
        assertEquals("sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("s3cr3t-key".getBytes(StandardCharsets.UTF_8))), out.strip());
    }

    @Test
    void checkReportsABrokenConfigWithItsPath() throws Exception {
        Path broken = unpacked.resolve("broken.yaml");
        Files.writeString(broken, Files.readString(home.resolve("conf/gatehouse.yaml")) + "\nno_such_key: 1\n");
        Result check = exec(List.of(home.resolve("bin/gatehouse").toString(), "check", broken.toString()), Map.of());
        assertEquals(1, check.exitCode(), check.output());
        assertTrue(check.output().contains("no_such_key"), "the problem should name the key: " + check.output());
        assertTrue(PROBLEM_LINE.matcher(check.output()).find(), "expected `path: message`: " + check.output());
    }

    @Test
    void launcherRefusesAJavaOlderThan21WithOneClearLine() throws Exception {
        // A fake `java` first on PATH that claims to be 17; no JAVA_HOME, no JVM folder.
        Path fakeBin = Files.createDirectories(unpacked.resolve("fake-java/bin"));
        Path fakeJava = fakeBin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho 'openjdk version \"17.0.2\" 2022-01-18' >&2\n");
        assertTrue(fakeJava.toFile().setExecutable(true));
        Result launch = exec(List.of(home.resolve("bin/gatehouse").toString(), "check", "conf/gatehouse.yaml"), Map.of(
                "JAVA_HOME", "/nonexistent",
                "GATEHOUSE_JVM_DIR", unpacked.resolve("no-jvms").toString(),
                "PATH", fakeBin + ":/usr/bin:/bin"));
        assertEquals(1, launch.exitCode(), launch.output());
        assertEquals("gatehouse: needs Java 21 or newer; found no bin/java in JAVA_HOME=/nonexistent, "
                + "Java 17 at " + fakeJava.toRealPath() + " — set JAVA_HOME", launch.output().strip());
    }

    private static void awaitDemoRoute() throws Exception {
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            if (!gateway.isAlive()) {
                throw new AssertionError("gateway exited with " + gateway.exitValue() + log());
            }
            try {
                if (get(port, "/demo/hello").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no 200 from /demo/hello within " + START_DEADLINE + log());
    }

    private static HttpResponse<String> get(int listenPort, String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenPort + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String log() throws IOException {
        return "\ngateway log:\n" + Files.readString(gatewayLog);
    }

    private record Result(int exitCode, String output) {}

    private static Result exec(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(home == null ? unpacked.toFile() : home.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
