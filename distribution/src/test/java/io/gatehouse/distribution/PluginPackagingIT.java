package io.gatehouse.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every plugin JAR the distribution ships holds what it needs. A plugin sees only the JDK and, from the gateway,
 * the plugin API, PF4J and the SLF4J API (docs/plugins.md), so every other class it refers to must be in its own
 * JAR. {@code jdeps --missing-deps} lists the classes a JAR refers to that are found neither in it, nor in the JDK,
 * nor on the class path given: here, those three shared JARs from {@code lib/}.
 */
class PluginPackagingIT {

    private static final Path HOME = Path.of("target", "gatehouse-" + System.getProperty("gatehouse.dist.version"))
            .toAbsolutePath();
    /** The JARs in lib/ a plugin shares with the gateway. */
    private static final List<String> SHARED = List.of("gatehouse-plugin-api-", "pf4j-", "slf4j-api-");

    static List<Path> shippedPlugins() throws IOException {
        try (Stream<Path> jars = Files.list(HOME.resolve("plugins"))) {
            List<Path> plugins = jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            assertFalse(plugins.isEmpty(), "no plugin JARs in " + HOME.resolve("plugins"));
            return plugins;
        }
    }

    /**
     * Optional dependencies of Netty, which the grpc plugin bundles inside grpc-netty-shaded (relocated under
     * {@code io.grpc.netty.shaded}): Netty loads each only when it is present, and the plugin uses none of them (its
     * compression is the JDK's gzip and deflate, its TLS the JDK's, its logging the JDK's). A reference to one of
     * these from a class outside {@code io.grpc.netty.shaded.} is still a failure.
     */
    private static final List<String> NETTY_OPTIONAL = List.of("com.aayushatharva.brotli4j.", "com.github.luben.zstd.",
            "com.jcraft.jzlib.", "com.ning.compress.", "lzma.sdk.", "net.jpountz.", "org.conscrypt.",
            "org.bouncycastle.", "org.apache.commons.logging.", "org.apache.log4j.", "org.apache.logging.log4j.",
            "reactor.blockhound.", "com.oracle.svm.core.annotate.", "org.jetbrains.annotations.",
            "io.grpc.netty.shaded.io.netty.pkitesting.");

    @ParameterizedTest
    @MethodSource("shippedPlugins")
    void refersOnlyToItsOwnClassesTheJdkAndTheSharedApis(Path plugin) {
        assertEquals("", withoutNettyOptionals(missingClasses(plugin)), plugin.getFileName()
                + " refers to classes it does not bundle");
    }

    /** jdeps' report without the lines of Netty's optional dependencies (and its heading, when nothing is left). */
    private static String withoutNettyOptionals(String report) {
        List<String> left = report.lines()
                .filter(line -> !line.strip().endsWith(".jar -> not found"))
                .filter(line -> {
                    String[] parts = line.strip().split("\\s+");
                    return !(parts.length >= 3 && parts[0].startsWith("io.grpc.netty.shaded.")
                            && NETTY_OPTIONAL.stream().anyMatch(parts[2]::startsWith));
                })
                .filter(line -> !line.isBlank())
                .toList();
        return String.join("\n", left);
    }

    /** So that the check above can fail: core, seen as a plugin would see it, misses Helidon and much more. */
    @Test
    void theCheckFindsWhatAJarDoesNotBundle() throws IOException {
        Path core;
        try (Stream<Path> lib = Files.list(HOME.resolve("lib"))) {
            core = lib.filter(p -> p.getFileName().toString().startsWith("gatehouse-core-")).findFirst().orElseThrow();
        }
        assertTrue(withoutNettyOptionals(missingClasses(core)).contains("io.helidon."), missingClasses(core));
    }

    private static String missingClasses(Path jar) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new AssertionError("no jdeps: run the build on a JDK, not a JRE"));
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out, true), new PrintWriter(out, true),
                "--multi-release", Integer.toString(Runtime.version().feature()),
                "--missing-deps", "--class-path", sharedClassPath(), jar.toString());
        assertEquals(0, status, "jdeps failed: " + out);
        return out.toString().strip();
    }

    private static String sharedClassPath() {
        try (Stream<Path> lib = Files.list(HOME.resolve("lib"))) {
            List<Path> shared = lib.filter(p -> SHARED.stream().anyMatch(p.getFileName().toString()::startsWith))
                    .toList();
            assertEquals(SHARED.size(), shared.size(), "expected one JAR each of " + SHARED + " in lib/: " + shared);
            return shared.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
