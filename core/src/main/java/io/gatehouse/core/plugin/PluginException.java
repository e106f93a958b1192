package io.gatehouse.core.plugin;

import java.io.Serial;

/**
 * The plugins cannot be put together into a working set: two components claim one id, or a builtin is
 * malformed. Startup stops, since which of two same-named components the config means cannot be guessed.
 * A single broken plugin is not a {@code PluginException}: it is refused and reported as a {@link PluginProblem}.
 */
public class PluginException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the plugins (and their files) involved
     */
    public PluginException(String message) {
        super(message);
    }
}
