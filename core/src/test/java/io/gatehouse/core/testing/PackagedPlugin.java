package io.gatehouse.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A gateway home with the plugin JAR the module's own build packaged ({@code target/<artifactId>-*.jar}) in its
 * {@code plugins/}, for a plugin module's end-to-end tests (run by failsafe, after {@code package}).
 */
public final class PackagedPlugin {

    private PackagedPlugin() {
    }

    /**
     * @param artifactId the plugin module's artifact id, e.g. {@code gatehouse-plugin-discovery-dns}
     * @return a new temp home holding the JAR in {@code plugins/}
     */
    public static Path home(String artifactId) throws IOException {
        Path home = Files.createTempDirectory(artifactId);
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            Path jar = built.filter(p -> p.getFileName().toString().matches(artifactId + "-[0-9].*\\.jar")
                            && !p.getFileName().toString().contains("sources"))
                    .findFirst().orElseThrow(() -> new AssertionError("package the plugin first (mvn verify)"));
            Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return home;
    }
}
