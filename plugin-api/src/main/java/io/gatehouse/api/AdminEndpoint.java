package io.gatehouse.api;

import org.pf4j.ExtensionPoint;

/**
 * An endpoint a plugin adds to the admin API: a PF4J extension the core finds in the plugin's
 * {@code META-INF/extensions.idx}, like the component factories, and mounts at {@code /NAME} and {@code /NAME/...}
 * on the admin listener, for every method, behind the admin token when one is configured. For operations on what
 * the plugin holds: purging a cache, resetting a counter, showing a plugin's state.
 *
 * <p>One instance serves every request, concurrently, on the admin listener's threads: it must be thread-safe. It
 * lives as long as its plugin, across config reloads, so it reaches per-generation state through something the
 * plugin shares (a registry its components join and leave).
 *
 * @since 1.2.0
 */
public interface AdminEndpoint extends ExtensionPoint {

    /**
     * The first segment of the endpoint's paths.
     *
     * @return lower-case letters, digits, {@code -} and {@code _}, starting with a letter, e.g. {@code cache}; a name
     *         the core uses itself ({@code health}, {@code routes}, {@code upstreams}, ...) or another plugin took
     *         first is refused with a warning and not mounted
     */
    String name();

    /**
     * Handles one admin request.
     *
     * @param method   the request method, upper case
     * @param path     the whole path, e.g. {@code /cache/routes/catalog}, as sent
     * @param rawQuery the query string as sent, without {@code ?}; empty when none
     * @return the response; its body is read whole (at most 1 MiB) and sent
     * @throws GatewayException to answer with a problem document of that status
     * @throws Exception        anything else is a 500 problem; the detail goes to the log only
     */
    Response handle(String method, String path, String rawQuery) throws Exception;
}
