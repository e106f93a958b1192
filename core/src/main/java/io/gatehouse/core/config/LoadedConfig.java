package io.gatehouse.core.config;

import java.util.List;

/**
 * A config file as far as it could be read: the config bound from it and every problem of reading, binding and
 * the semantic checks. Later stages (components, routes, scripts) check even a config with problems, so that one run
 * reports every problem; such a config is never served.
 *
 * @param source   where it came from, for messages (the file name)
 * @param config   the config, with {@code null} where binding failed; {@code null} when nothing could be bound
 *                 (unreadable file, YAML syntax error, not a map)
 * @param problems every problem found so far, in the order found; empty when the config is valid this far
 */
public record LoadedConfig(String source, GatewayConfig config, List<Problem> problems) {
    public LoadedConfig {
        problems = List.copyOf(problems);
    }

    /** @return the config when it has no problem */
    public GatewayConfig valid() throws ConfigException {
        if (!problems.isEmpty() || config == null) {
            throw new ConfigException(source, problems.isEmpty() ? List.of(new Problem(source, "invalid")) : problems);
        }
        return config;
    }
}
