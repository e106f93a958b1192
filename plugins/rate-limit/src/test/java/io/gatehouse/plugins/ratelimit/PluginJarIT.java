package io.gatehouse.plugins.ratelimit;

import io.gatehouse.api.Filter;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packaged JAR refers only to its own classes, the JDK and the APIs the gateway shares (plugin-api, PF4J,
 * SLF4J): Jedis' optional dependencies are bundled or left out with what needs them (as the distribution's
 * PluginPackagingIT checks for every shipped plugin).
 */
class PluginJarIT {

    private static String jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void theJarMissesNoClass() throws Exception {
        Path jar;
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            jar = built.filter(p -> p.getFileName().toString().matches(RateGateway.ARTIFACT + "-[0-9].*\\.jar"))
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new AssertionError("package the plugin first", e);
        }
        String shared = String.join(java.io.File.pathSeparator, jarOf(Filter.class), jarOf(Extension.class),
                jarOf(org.slf4j.Logger.class));
        StringWriter out = new StringWriter();
        int status = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out, true),
                new PrintWriter(out, true), "--multi-release", Integer.toString(Runtime.version().feature()),
                "--missing-deps", "--class-path", shared, jar.toString());
        assertEquals(0, status, out.toString());
        assertEquals("", out.toString().strip());
    }
}
