package io.gatehouse.api.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes a PF4J plugin JAR from classes on the test classpath, so a test can drop a real plugin into a plugins
 * folder and load it the way the gateway does.
 *
 * <pre>{@code
 * Path jar = PluginJar.builder(pluginsDir.resolve("hello-1.0.0.jar"))
 *         .id("hello").version("1.0.0").requires(">=1.0.0")
 *         .extension(HelloFilterFactory.class)      // copied, and listed in META-INF/extensions.idx
 *         .addClass(HelloFilter.class)              // copied only
 *         .write();
 * }</pre>
 *
 * <p>A class is copied with its nested and anonymous classes ({@code Outer$Inner}, {@code Outer$1}), read as
 * bytes from the class loader that loaded it; any other class it needs must be added too, except JDK,
 * plugin-api, PF4J and SLF4J API classes, which the gateway shares with every plugin (a plugin sees no other class
 * of the gateway). Nothing is checked: leave out the id or give a malformed version to test how a broken plugin is
 * reported.
 */
public final class PluginJar {

    /** The index of extension classes PF4J reads from a plugin. */
    public static final String EXTENSIONS_INDEX = "META-INF/extensions.idx";

    private PluginJar() {
    }

    /**
     * Starts a plugin JAR to be written at {@code target}. The manifest starts with {@code Plugin-Version: 1.0.0}
     * and nothing else.
     *
     * @param target where the JAR goes; its parent folder is created when missing, an existing file replaced
     * @return the builder
     */
    public static Builder builder(Path target) {
        return new Builder(target);
    }

    /** Collects the manifest, classes and resources of one plugin JAR. Setters return this builder. */
    public static final class Builder {
        private final Path target;
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private final Map<String, byte[]> entries = new LinkedHashMap<>();
        private final Set<String> extensions = new LinkedHashSet<>();

        private Builder(Path target) {
            this.target = Objects.requireNonNull(target, "target");
            attributes.put("Plugin-Version", "1.0.0");
        }

        /**
         * @param id the {@code Plugin-Id}; {@code null} leaves it out
         * @return this
         */
        public Builder id(String id) {
            return attribute("Plugin-Id", id);
        }

        /**
         * @param version the {@code Plugin-Version}, in semver; {@code null} leaves it out
         * @return this
         */
        public Builder version(String version) {
            return attribute("Plugin-Version", version);
        }

        /**
         * @param requires the {@code Plugin-Requires} constraint on the plugin-api version, e.g. {@code >=1.0.0};
         *                 {@code null} leaves it out (any version)
         * @return this
         */
        public Builder requires(String requires) {
            return attribute("Plugin-Requires", requires);
        }

        /**
         * @param dependencies the {@code Plugin-Dependencies}, e.g. {@code "auth@>=1.0.0, metrics?"};
         *                     {@code null} leaves it out
         * @return this
         */
        public Builder dependencies(String dependencies) {
            return attribute("Plugin-Dependencies", dependencies);
        }

        /**
         * @param provider the {@code Plugin-Provider}; {@code null} leaves it out
         * @return this
         */
        public Builder provider(String provider) {
            return attribute("Plugin-Provider", provider);
        }

        /**
         * Sets {@code Plugin-Class} and copies the class into the JAR.
         *
         * @param pluginClass a subclass of {@code org.pf4j.Plugin}
         * @return this
         */
        public Builder pluginClass(Class<?> pluginClass) {
            attribute("Plugin-Class", pluginClass.getName());
            return addClass(pluginClass);
        }

        /**
         * Sets any main manifest attribute.
         *
         * @param name  the attribute name
         * @param value the value; {@code null} removes the attribute
         * @return this
         */
        public Builder attribute(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (value == null) {
                attributes.remove(name);
            } else {
                attributes.put(name, value);
            }
            return this;
        }

        /**
         * Copies a class into the JAR and lists it in {@value #EXTENSIONS_INDEX}.
         *
         * @param extensionClass an extension, such as a {@code FilterFactory} implementation
         * @return this
         * @throws UncheckedIOException if its class file cannot be read
         */
        public Builder extension(Class<?> extensionClass) {
            extensions.add(extensionClass.getName());
            return addClass(extensionClass);
        }

        /**
         * Lists a class name in {@value #EXTENSIONS_INDEX} without copying anything.
         *
         * @param className the binary class name
         * @return this
         */
        public Builder extension(String className) {
            extensions.add(Objects.requireNonNull(className, "className"));
            return this;
        }

        /**
         * Copies a class, with its nested and anonymous classes, into the JAR.
         *
         * @param type the class
         * @return this
         * @throws UncheckedIOException if its class file cannot be read
         */
        public Builder addClass(Class<?> type) {
            ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ClassLoader.getSystemClassLoader();
            copyClass(type.getName(), loader, true);
            for (Class<?> nested : type.getDeclaredClasses()) {
                addClass(nested);
            }
            for (int i = 1; copyClass(type.getName() + "$" + i, loader, false); i++) {
                // anonymous classes are numbered from 1 with no gaps
            }
            return this;
        }

        /**
         * Copies a class by name, found with the thread's context class loader, with its nested classes.
         *
         * @param className the binary class name, e.g. {@code com.example.HelloFilter}
         * @return this
         * @throws IllegalArgumentException if the class cannot be found
         */
        public Builder addClass(String className) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            try {
                return addClass(Class.forName(className, false, loader != null ? loader : PluginJar.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("class not found on the test classpath: " + className, e);
            }
        }

        /**
         * Adds any file to the JAR, such as a resource or a {@code plugin.properties}.
         *
         * @param path    the path inside the JAR, with {@code /} separators
         * @param content the bytes
         * @return this
         */
        public Builder entry(String path, byte[] content) {
            entries.put(Objects.requireNonNull(path, "path"), content.clone());
            return this;
        }

        /**
         * Adds a UTF-8 text file to the JAR.
         *
         * @param path    the path inside the JAR
         * @param content the text
         * @return this
         */
        public Builder entry(String path, String content) {
            return entry(path, content.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Writes the JAR: the manifest first, then {@value #EXTENSIONS_INDEX} when there are extensions, then
         * every class and entry.
         *
         * @return the path of the written JAR
         * @throws UncheckedIOException if it cannot be written
         */
        public Path write() {
            Manifest manifest = new Manifest();
            Attributes main = manifest.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            attributes.forEach((name, value) -> main.put(new Attributes.Name(name), value));
            try {
                if (target.getParent() != null) {
                    Files.createDirectories(target.getParent());
                }
                try (OutputStream file = Files.newOutputStream(target);
                     JarOutputStream jar = new JarOutputStream(file, manifest)) {
                    if (!extensions.isEmpty()) {
                        put(jar, EXTENSIONS_INDEX, (String.join("\n", extensions) + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                        put(jar, entry.getKey(), entry.getValue());
                    }
                }
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write plugin jar " + target + ": " + e.getMessage(), e);
            }
        }

        private boolean copyClass(String className, ClassLoader loader, boolean required) {
            String path = className.replace('.', '/') + ".class";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    if (required) {
                        throw new UncheckedIOException(new IOException("class file not found: " + path));
                    }
                    return false;
                }
                entries.put(path, in.readAllBytes());
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read class file " + path + ": " + e.getMessage(), e);
            }
        }

        private static void put(JarOutputStream jar, String path, byte[] content) throws IOException {
            jar.putNextEntry(new JarEntry(path));
            jar.write(content);
            jar.closeEntry();
        }
    }
}
