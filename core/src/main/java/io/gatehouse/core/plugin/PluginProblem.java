package io.gatehouse.core.plugin;

import java.util.Objects;

/**
 * Why a plugin, or one of its components, was refused. The gateway runs without it.
 *
 * @param pluginId the plugin's id, or {@code null} when its descriptor could not be read
 * @param source   the file or folder in {@code plugins/} it came from, e.g. {@code jwt-1.2.0.jar}
 * @param message  the whole story for a human, e.g.
 *                 {@code plugin 'foo' 1.2.0 requires plugin-api >=2.0.0 but this gateway provides 1.0.0}
 */
public record PluginProblem(String pluginId, String source, String message) {

    /** Checks that there is a source and a message. */
    public PluginProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return message;
    }
}
