package io.gatehouse.plugins.grpc;

import io.gatehouse.core.testing.DocExample;
import io.gatehouse.core.testing.GatewayFixture;
import io.gatehouse.core.testing.PackagedPlugin;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real gateway with the packaged grpc plugin (and the other bundled plugins the examples use: jwt, cors) running an
 * example of {@code docs/grpc.md}, pointed at a recording {@link EchoServer}, and a grpc-java channel to the
 * gateway's HTTP port (h2c).
 */
final class ProxyFixture implements AutoCloseable {

    static final String PAGE = "docs/grpc.md";
    static final String DOC_UPSTREAM = "http://127.0.0.1:50051";
    static final String DOC_SERVICE = "shop.v1.Orders";
    static final Duration DEADLINE = Duration.ofSeconds(20);

    final EchoServer server;
    final GatewayFixture gateway;
    final ManagedChannel channel;

    private ProxyFixture(EchoServer server, GatewayFixture gateway) {
        this.server = server;
        this.gateway = gateway;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.gateway().port()).usePlaintext().build();
    }

    /** The example, its upstream replaced by {@code upstreamUrl} (or the echo server's), with more replacements. */
    static ProxyFixture start(String example, Map<String, String> env, String upstreamUrl, String... replacements)
            throws Exception {
        EchoServer server = EchoServer.start("a");
        try {
            String yaml = DocExample.yaml(PAGE, example)
                    .replace(DOC_UPSTREAM, upstreamUrl == null ? server.url() : upstreamUrl)
                    .replace(DOC_SERVICE, "gatehouse.test.Echo");
            for (int i = 0; i < replacements.length; i += 2) {
                if (!yaml.contains(replacements[i])) {
                    throw new AssertionError("the example " + example + " has no " + replacements[i]);
                }
                yaml = yaml.replace(replacements[i], replacements[i + 1]);
            }
            return new ProxyFixture(server, GatewayFixture.start(home(), yaml, env));
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    static ProxyFixture start(String example, String... replacements) throws Exception {
        return start(example, Map.of(), null, replacements);
    }

    /** A home with this module's plugin and the bundled ones the build copied to target/it-plugins. */
    private static Path home() throws IOException {
        Path home = PackagedPlugin.home("gatehouse-plugin-grpc");
        Path others = Path.of("target/it-plugins");
        if (Files.isDirectory(others)) {
            try (Stream<Path> jars = Files.list(others)) {
                for (Path jar : jars.toList()) {
                    Files.copy(jar, home.resolve("plugins").resolve(jar.getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return home;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        try {
            gateway.close();
        } finally {
            server.close();
        }
    }
}
