package io.gatehouse.core.plugin;

import org.pf4j.LegacyExtensionFinder;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

import java.net.URL;

/**
 * A plugin's class loader: plugin first, then its dependencies, then the gateway, except for the plugin API,
 * which always comes from the gateway. A plugin that bundles its own copy of {@code io.gatehouse.api} would
 * otherwise define a second {@code ComponentFactory} that the core cannot cast to. (PF4J already does this for
 * {@code org.pf4j} and {@code java}.)
 */
final class SharedApiClassLoader extends PluginClassLoader {

    private static final String API_PACKAGE = "io.gatehouse.api.";

    SharedApiClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent);
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        if (className.startsWith(API_PACKAGE)) {
            return getParent().loadClass(className);
        }
        return super.loadClass(className);
    }

    /**
     * The extension index is read from the plugin itself only: PF4J would otherwise fall back to the gateway's
     * classpath and make a plugin without extensions look like it had the gateway's.
     */
    @Override
    public URL getResource(String name) {
        if (LegacyExtensionFinder.EXTENSIONS_RESOURCE.equals(name)) {
            return findResource(name);
        }
        return super.getResource(name);
    }
}
