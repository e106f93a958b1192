package io.gatehouse.core.plugin;

import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A plugin's class loader. A plugin sees the JDK, and from the gateway only the plugin API, PF4J and the SLF4J API
 * (the type of PF4J's {@code Plugin.log}, so part of PF4J's API); every other class comes from its own JAR, then
 * from the plugins it names in {@code Plugin-Dependencies}, or not at all. Core, Helidon and the gateway's
 * libraries (Jackson, SnakeYAML, ...) are invisible, so no plugin can come to depend on them and upgrading them can
 * never break a plugin JAR; a plugin that needs a library bundles it. Resources follow the same rule, so the
 * gateway's {@code META-INF/extensions.idx} or service files never pass for the plugin's.
 *
 * <p>The shared classes come from the gateway even when the plugin bundles a copy: a second
 * {@code ComponentFactory} would be another type, which the core cannot cast to. The JDK's classes come from the JDK
 * first for the same reason ({@code javax.*} APIs bundled by old libraries would otherwise shadow the JDK's).
 */
final class IsolatedPluginClassLoader extends PluginClassLoader {

    private static final List<String> SHARED_PREFIXES = List.of("io.gatehouse.api.", "org.pf4j.");
    /** slf4j-api's packages; its bindings ({@code org.slf4j.jul}, ...) stay the gateway's business. */
    private static final Set<String> SHARED_PACKAGES = Set.of("org.slf4j", "org.slf4j.event", "org.slf4j.helpers",
            "org.slf4j.spi");
    /** The packages of the JDK modules the JVM resolved: those of the boot and platform class loaders. */
    private static final Set<String> JDK_PACKAGES = ModuleLayer.boot().modules().stream()
            .filter(module -> module.getClassLoader() == null
                    || module.getClassLoader() == ClassLoader.getPlatformClassLoader())
            .flatMap(module -> module.getPackages().stream())
            .collect(Collectors.toUnmodifiableSet());

    private final ClassLoader gateway;
    private final String pluginId;

    /**
     * @param gateway the loader of the plugin API in the gateway; the plugin's parent is the JDK's platform loader,
     *                so PF4J's last resort ("the application") finds JDK classes only
     */
    IsolatedPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader gateway) {
        super(manager, descriptor, ClassLoader.getPlatformClassLoader());
        this.gateway = gateway;
        this.pluginId = descriptor.getPluginId();
    }

    /** @return the id of the plugin whose classes this loads */
    String pluginId() {
        return pluginId;
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        int dot = className.lastIndexOf('.');
        String packageName = dot < 0 ? "" : className.substring(0, dot);
        if (SHARED_PACKAGES.contains(packageName) || SHARED_PREFIXES.stream().anyMatch(className::startsWith)) {
            return gateway.loadClass(className);
        }
        if (JDK_PACKAGES.contains(packageName)) {
            return getParent().loadClass(className);
        }
        return super.loadClass(className);
    }
}
