package io.gatehouse.core.config;

/**
 * Builds the config paths used in {@link Problem}s: {@code upstreams.users.discovery}, {@code routes[2].filters[1]}.
 * The root is the empty path.
 */
public final class ConfigPath {
    private ConfigPath() {
    }

    /** @return {@code parent.key}, or {@code key} at the root */
    public static String key(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** @return {@code parent[index]} */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
