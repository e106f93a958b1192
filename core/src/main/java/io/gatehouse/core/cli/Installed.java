package io.gatehouse.core.cli;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.core.builtin.Builtins;
import io.gatehouse.core.plugin.ComponentRegistry;
import io.gatehouse.core.plugin.PluginHost;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** Loads the plugins of a home quietly, for the {@code plugins} commands, and unloads them after. */
final class Installed {

    private Installed() {
    }

    /**
     * @param home the gateway home; its {@code plugins/} is loaded
     * @param read what to take from the registry while the plugins are loaded (their classes are usable only then)
     */
    static <T> T read(Path home, Function<ComponentRegistry, T> read) {
        try (QuietLogging quiet = QuietLogging.on();
             PluginHost plugins = PluginHost.start(home.resolve("plugins"), Builtins.factories())) {
            return read.apply(plugins.registry());
        }
    }

    /** @return the ids of the core's own components, sorted */
    static List<String> builtinIds() {
        return Builtins.factories().stream().map(ComponentFactory::id).sorted().toList();
    }
}
