package io.gatehouse.core.cli;

import io.gatehouse.api.GatehouseApi;
import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The versions of what this gateway is made of, each read at run time from what is actually loaded: the Maven
 * descriptor ({@code META-INF/maven/.../pom.properties}) or the manifest of the JAR a class came from, the plugin
 * API's own {@link GatehouseApi#VERSION}, and {@link Runtime#version()}.
 */
final class Versions {

    /** What {@link #gatehouse()} says when the core is not running from its JAR (an IDE, Maven's test classes). */
    static final String UNPACKAGED = "(development build)";
    static final String UNKNOWN = "unknown";

    /**
     * One line of {@code gatehouse version}.
     *
     * @param name    what it is, e.g. {@code Helidon}
     * @param version its version, or {@value #UNKNOWN}
     */
    record Part(String name, String version) {
        @Override
        public String toString() {
            return name + " " + version;
        }
    }

    private Versions() {
    }

    /** @return Gatehouse, plugin-api, Helidon, GraalVM (polyglot), JDK, in that order */
    static List<Part> all() {
        Runtime.Version jdk = Runtime.version();
        return List.of(
                new Part("Gatehouse", gatehouse()),
                new Part("plugin-api", GatehouseApi.VERSION),
                new Part("Helidon", of("io.helidon.webserver.WebServer", "io.helidon.webserver", "helidon-webserver")),
                new Part("GraalVM polyglot", of("org.graalvm.polyglot.Engine", "org.graalvm.polyglot", "polyglot")),
                new Part("JDK", jdk + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.vm.name") + ")"));
    }

    /** @return the version of the core JAR, or {@value #UNPACKAGED} */
    static String gatehouse() {
        String version = of(Versions.class.getName(), "io.gatehouse", "gatehouse-core");
        return UNKNOWN.equals(version) ? UNPACKAGED : version;
    }

    /**
     * @param anchor   a class of the artifact
     * @param group    its Maven group id
     * @param artifact its Maven artifact id
     * @return its version from its Maven descriptor, else its JAR manifest's {@code Implementation-Version}, else
     *         {@value #UNKNOWN} (also when the class is not there)
     */
    static String of(String anchor, String group, String artifact) {
        Class<?> type;
        try {
            type = Class.forName(anchor, false, Versions.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return UNKNOWN;
        }
        String fromPom = fromPom(type, "/META-INF/maven/" + group + "/" + artifact + "/pom.properties");
        if (fromPom != null) {
            return fromPom;
        }
        String fromManifest = fromManifest(type);
        return fromManifest == null ? UNKNOWN : fromManifest;
    }

    /** Read through the class, so a named module (GraalVM on the module path) answers from its own JAR. */
    private static String fromPom(Class<?> type, String resource) {
        try (InputStream in = type.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    private static String fromManifest(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            Path jar = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return null;
            }
            try (JarFile file = new JarFile(jar.toFile())) {
                Manifest manifest = file.getManifest();
                return manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** {@code --version}: the first line of {@code gatehouse version}. */
    static final class FirstLine implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{new Part("Gatehouse", gatehouse()).toString()};
        }
    }
}
