package io.gatehouse.api;

/**
 * Collects config problems during validation. The core prefixes each path with where the component sits in the
 * config, so a plugin reports paths relative to its own config ({@code "issuer"}, {@code "keys[2].kid"}).
 */
public interface Problems {

    /**
     * Reports one problem. Validation goes on after a problem: report every one you find.
     *
     * @param path    the key path relative to the component's config; empty for the config as a whole
     * @param message what is wrong and what to do, e.g. {@code "required"} or {@code "must be > 0, got -3"}
     */
    void add(String path, String message);
}
