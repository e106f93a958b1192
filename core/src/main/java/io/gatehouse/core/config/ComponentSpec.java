package io.gatehouse.core.config;

import java.util.Map;

/**
 * A component named by {@code type} with its options, as in {@code balancer: {type: weighted_round_robin}}.
 * The options are bound later, strictly, to the config record of the factory {@code type} names.
 *
 * @param type    the component's name without its namespace
 * @param options every other key of the section, unbound
 * @param path    where the section sits in the config, for error messages
 */
public record ComponentSpec(String type, Map<String, Object> options, String path) {
    public ComponentSpec {
        options = options == null ? Map.of() : options;
        path = path == null ? "" : path;
    }

    static ComponentSpec ofType(String type) {
        return new ComponentSpec(type, Map.of(), "");
    }
}
