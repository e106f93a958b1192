package io.gatehouse.core.config;

/**
 * One entry of a {@code filters:} list: either a bare name ({@code access_log}) or a one-key map from the name to
 * its config ({@code headers: {request: {set: {X-A: b}}}}, or a scalar shortcut such as {@code strip_prefix: 2},
 * which binds to the first component of the filter's config record).
 *
 * @param name    the filter's name without the {@code filter.} namespace
 * @param options the unbound config: {@code null}, a scalar, a map or a list, as written
 * @param path    where the entry sits in the config, e.g. {@code routes[2].filters[1]}
 */
public record FilterSpec(String name, Object options, String path) {

    /** @return the path of the options, for problems inside them: {@code routes[2].filters[1].jwt} */
    public String optionsPath() {
        return ConfigPath.key(path, name);
    }
}
